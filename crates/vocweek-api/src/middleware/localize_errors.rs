use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use vocweek_messages::Lang;

use crate::ApiError;

/// Tells API errors in the client's language: a client that prefers Chinese
/// (`Accept-Language: zh-CN`, as the upload page sends) gets the catalog's sentence in
/// `message`; code, status and details stay the same for programs. Done once here rather than
/// in each handler, so no refusal can be missed.
pub async fn localize_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::from_accept_language(
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    );
    if lang == Lang::En {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    match next.call(req).await {
        Ok(answer) => {
            let told = answer
                .response()
                .error()
                .and_then(|error| error.as_error::<ApiError>())
                .map(|error| error.told_in(lang));
            Ok(match told {
                Some(told) => {
                    let mut response = told.error_response();
                    // What the handler or inner layers added (Tus-Resumable, CORS, cookies)
                    // stays; only the body and what describes it are new.
                    let own: Vec<_> = response.headers().keys().cloned().collect();
                    for (name, value) in answer.response().headers() {
                        if !own.contains(name) && name != CONTENT_LENGTH && name != CONTENT_TYPE {
                            response.headers_mut().append(name.clone(), value.clone());
                        }
                    }
                    answer.into_response(response)
                }
                None => answer.map_into_boxed_body(),
            })
        }
        Err(error) => Err(match error.as_error::<ApiError>() {
            Some(api) => api.told_in(lang).into(),
            None => error,
        }),
    }
}
