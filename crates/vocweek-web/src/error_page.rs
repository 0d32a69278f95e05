//! An API error shown as a page of the web side, in Chinese (the code stays for whoever helps).

use actix_web::HttpResponse;
use vocweek_api::ApiError;
use vocweek_messages::Lang;

use crate::layout::error_message;

pub trait ErrorPage {
    /// The error as a page.
    fn page(&self) -> HttpResponse;
}

impl ErrorPage for ApiError {
    fn page(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, message = %self.message, "page failed");
        }
        error_message(self.status, "出错了", self.sentence(Lang::ZhCn))
    }
}
