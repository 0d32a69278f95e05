use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

/// The service's Prometheus metrics, in one registry shared by the API and the workers.
#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_latency: HistogramVec,
    pub job_duration: HistogramVec,
    pub job_failures: IntCounterVec,
    pub queue_depth: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("vocweek".to_owned()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )?;
        let http_latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0,
                ],
            ),
            &["route", "method"],
        )?;
        let job_duration = HistogramVec::new(
            HistogramOpts::new("job_duration_seconds", "Time a worker spent on a job").buckets(
                vec![0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0, 3600.0],
            ),
            &["kind", "outcome"],
        )?;
        let job_failures = IntCounterVec::new(
            Opts::new("job_failures_total", "Failed job runs (retried or dead)"),
            &["kind", "outcome"],
        )?;
        let queue_depth = IntGaugeVec::new(
            Opts::new("queue_depth", "Jobs waiting or running, by kind and state"),
            &["kind", "state"],
        )?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_latency.clone()))?;
        registry.register(Box::new(job_duration.clone()))?;
        registry.register(Box::new(job_failures.clone()))?;
        registry.register(Box::new(queue_depth.clone()))?;
        Ok(Metrics {
            registry,
            http_requests,
            http_latency,
            job_duration,
            job_failures,
            queue_depth,
        })
    }
}
