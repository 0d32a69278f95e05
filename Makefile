# The project's commands. Each script installs what it needs when it is missing.
.PHONY: run test bench

# Run the service on its embedded default (SQLite + local files, workers in-process).
run:
	./scripts/run.sh

# Run the whole test suite (SQLite and PostgreSQL).
test:
	./scripts/test.sh

# Measure ingest, thumbnails, the queue, video, resumable uploads and media delivery against
# their peers and floors (see BENCHMARKS.md).
bench:
	./scripts/bench-ingest.sh
	./scripts/bench-thumbnails.sh
	./scripts/bench-queue.sh
	./scripts/bench-video.sh
	./scripts/bench-resumable.sh
	./scripts/bench-media.sh
