//! 网上观赛通道 (`/channels`): the active week's live channels with their state and viewers,
//! and the form that opens one. Staff see every channel and choose the organising unit; a
//! unit person (signed in at `/unit/login`) sees and opens the unit's own. Opening a channel
//! answers with its page holding the stream key — shown this once, never again, so the
//! answer is a page and not a redirect. A channel's own page, its keys and its 观看 page are
//! in `detail`. Who may do what is `vocweek_app::Channels`'s.

mod detail;
mod rows;
mod viewer;

pub use detail::{detail, new_key, revoke_key, watch};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_app::{ChannelInput, ChannelState, ChannelView};
use vocweek_db::accounts::Unit;
use vocweek_domain::{Vocabulary, parse_timestamp};
use vocweek_messages::Lang;

use crate::choices::{self, Choice, Select};
use crate::error_page::ErrorPage;
use crate::layout::html;
use rows::{ChannelRow, Names};
use viewer::{Posted, Viewer, posted, viewer};

/// The longest title the form takes, in characters (the service's limit).
const TITLE_MAX_CHARS: usize = 200;

#[derive(Template)]
#[template(path = "channels/list.html")]
struct ListPage {
    frame: crate::layout::Frame,
    csrf: String,
    /// Why the last form was not taken.
    message: Option<String>,
    channels: Vec<ChannelRow>,
    form: CreateForm,
}

/// The form that opens a channel, empty or as it was sent (after a refusal).
struct CreateForm {
    title: String,
    /// Staff choose the organising unit; a unit opens channels for itself (`None`).
    units: Option<Vec<Choice>>,
    /// The city (the unit's own when none is chosen).
    selects: Vec<Select>,
    themes: Vec<Choice>,
    /// As the `datetime-local` input sends it, Beijing time.
    scheduled_start: String,
}

/// What the form sent.
#[derive(Default)]
struct Typed {
    title: String,
    unit_id: Option<i32>,
    city: Option<String>,
    themes: Vec<String>,
    scheduled_start: String,
}

impl Typed {
    fn read(form: &Posted) -> Typed {
        Typed {
            title: form.field("title").unwrap_or_default(),
            unit_id: form.field("unit_id").and_then(|id| id.parse().ok()),
            city: form.field("city").filter(|city| !city.is_empty()),
            themes: form.all("themes"),
            scheduled_start: form.field("scheduled_start").unwrap_or_default(),
        }
    }

    /// The channel to open, or what to fix, in the page's words.
    fn input(&self, viewer: &Viewer) -> Result<ChannelInput, String> {
        if self.title.is_empty() {
            return Err("请填写标题。".to_owned());
        }
        if self.title.chars().count() > TITLE_MAX_CHARS {
            return Err(format!("标题最多 {TITLE_MAX_CHARS} 个字。"));
        }
        if viewer.staff().is_some() && self.unit_id.is_none() {
            return Err("请选择承办单位。".to_owned());
        }
        let scheduled_start = parse_timestamp("scheduled_start", &self.scheduled_start)
            .map_err(|_| "请填写计划开始时间（北京时间，年-月-日 时:分）。".to_owned())?;
        Ok(ChannelInput {
            title: self.title.clone(),
            unit_id: self.unit_id,
            city: self.city.clone(),
            themes: self.themes.clone(),
            scheduled_start,
        })
    }
}

/// `GET /channels`.
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let viewer = match viewer(&req, &state).await {
        Ok(viewer) => viewer,
        Err(answer) => return answer,
    };
    render(
        &req,
        &state,
        &viewer,
        StatusCode::OK,
        None,
        Typed::default(),
    )
    .await
}

/// `POST /channels`: opens a channel; the answer is its page with the stream key.
pub async fn create(req: HttpRequest, state: web::Data<AppState>, body: String) -> HttpResponse {
    let form = match posted(&req, &state, &body).await {
        Ok(form) => form,
        Err(answer) => return answer,
    };
    let typed = Typed::read(&form);
    let input = match typed.input(&form.viewer) {
        Ok(input) => input,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&req, &state, &form.viewer, status, Some(message), typed).await;
        }
    };
    match state.channels.create(&form.viewer.actor(), input).await {
        Ok(created) => {
            let view = ChannelView {
                channel: created.channel,
                event: None,
                state: ChannelState::Scheduled,
            };
            detail::render(&req, &state, &form.viewer, view, Some(created.stream_key)).await
        }
        Err(err) => {
            let err = ApiError::from(err);
            if err.status.is_server_error() {
                return err.page();
            }
            let message = format!("未能开通：{}", err.sentence(Lang::ZhCn));
            render(&req, &state, &form.viewer, err.status, Some(message), typed).await
        }
    }
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    message: Option<String>,
    typed: Typed,
) -> HttpResponse {
    let views = match state.channels.list(&viewer.actor()).await {
        Ok(views) => views,
        Err(err) => return ApiError::from(err).page(),
    };
    let units = match state.db.units().await {
        Ok(units) => units,
        Err(err) => return ApiError::from(err).page(),
    };
    let campaign = state.ingestor.campaign();
    let vocabulary = &campaign.vocabulary;
    let names = Names::new(&units, vocabulary);
    let channels = views
        .iter()
        .map(|view| names.row(view, state.live_viewers.count(&view.channel.id)))
        .collect();
    let form = create_form(viewer, &units, vocabulary, typed);
    html(
        status,
        &ListPage {
            frame: viewer.frame("网上观赛通道", req),
            csrf: viewer.csrf(),
            message,
            channels,
            form,
        },
    )
}

fn create_form(
    viewer: &Viewer,
    units: &[Unit],
    vocabulary: &Vocabulary,
    typed: Typed,
) -> CreateForm {
    // Staff bound to a desk organise with its units, as the queue's unit filter offers them.
    let units = viewer.staff().map(|staff| {
        let desk = staff.desk();
        let mut offered: Vec<&Unit> = units
            .iter()
            .filter(|unit| desk.is_none_or(|desk| unit.desk == desk))
            .collect();
        offered.sort_by(|a, b| a.name.cmp(&b.name));
        let current = typed.unit_id.map(|id| id.to_string());
        choices::marked(
            offered
                .iter()
                .map(|unit| (unit.id.to_string(), unit.name.clone())),
            |value| current.as_deref() == Some(value),
        )
    });
    let cities = choices::cities(vocabulary);
    let themes = choices::marked(choices::themes(vocabulary), |slug| {
        typed.themes.iter().any(|theme| theme.as_str() == slug)
    });
    CreateForm {
        selects: vec![Select::new(
            "城市",
            "city",
            Some("承办单位所在城市"),
            cities,
            typed.city.as_deref(),
        )],
        title: typed.title,
        units,
        themes,
        scheduled_start: typed.scheduled_start,
    }
}
