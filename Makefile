# The project's commands. Each script installs what it needs when it is missing.
.PHONY: run test bench chaos

# Run the service on its embedded default (SQLite + local files, workers in-process).
run:
	./scripts/run.sh

# Run the whole test suite (SQLite and PostgreSQL).
test:
	./scripts/test.sh

# Measure ingest, thumbnails, photo throughput end to end, the queue, video, live channels and their replays, chunked video across workers, resumable uploads, media delivery and the cost of
# media isolation against their peers and floors (see BENCHMARKS.md).
bench:
	./scripts/bench-ingest.sh
	./scripts/bench-thumbnails.sh
	./scripts/bench-photos.sh
	./scripts/bench-queue.sh
	./scripts/bench-video.sh
	./scripts/bench-live.sh
	./scripts/bench-replay.sh
	./scripts/bench-clips.sh
	./scripts/bench-chunks.sh
	./scripts/bench-resumable.sh
	./scripts/bench-media.sh
	./scripts/bench-isolation.sh

# The long fault-injection run: hostile files, kill -9, full disk, PostgreSQL restart, load
# (see RELIABILITY.md). `make test` runs a short version of the same tests.
chaos:
	./scripts/chaos.sh
