use actix_web::{HttpResponse, web};
use prometheus::{Encoder, TextEncoder};

use crate::{ApiError, AppState};

/// Prometheus metrics: requests, latencies, queue depth, job durations and failures.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // The queue depth is read from the database at scrape time: every worker process shares it.
    let depth = state.db.queue_depth().await?;
    state.metrics.queue_depth.reset();
    for row in depth {
        state
            .metrics
            .queue_depth
            .with_label_values(&[&row.kind, &row.state])
            .set(row.count);
    }
    let mut body = Vec::new();
    TextEncoder::new()
        .encode(&state.metrics.registry.gather(), &mut body)
        .map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body))
}
