//! Answers an operation can give before its handler's own rules run, added to the document in
//! one place rather than on fifty annotations (the API fuzz in `make test` checks that every
//! status the server sends is documented):
//! - 401 wherever a token is accepted: missing, unknown, revoked or expired;
//! - 403 wherever a token is accepted: the caller's role or unit may not, or its password must
//!   be changed first (`password-change-required`);
//! - 400 wherever the request has parameters or a body: actix's extractors refuse what does not
//!   parse (`invalid-json`, `invalid-path`, `invalid-query`) before any rule runs.

use utoipa::Modify;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Ref, RefOr};

pub struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let path_has_parameters = item.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_common_answers(operation, path_has_parameters);
            }
        }
    }
}

fn add_common_answers(operation: &mut Operation, path_has_parameters: bool) {
    let takes_token = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_input = path_has_parameters
        || operation.request_body.is_some()
        || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    if takes_token {
        add(
            operation,
            "401",
            "No valid credentials: the token or key is missing, unknown, revoked or expired",
        );
        add(
            operation,
            "403",
            "The caller may not do this (its role, desk or unit), or must change its password first",
        );
    }
    if has_input {
        add(
            operation,
            "400",
            "A parameter or the body does not parse (`invalid-json`, `invalid-path`, `invalid-query`, `invalid-header`)",
        );
    }
}

/// Adds the answer unless the operation documents that status itself.
fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                            .build(),
                    )
                    .build(),
            )
        });
}
