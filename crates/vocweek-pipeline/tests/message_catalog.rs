//! Every code a person can meet has a Chinese sentence in the catalog: the reasons an asset
//! fails (media codes, the media child's verdicts, the worker's own), every entry of an
//! asset's history, and every notice to a unit (its sentence and its email's subject). A new
//! code without its sentence fails here, not on a unit's phone.

use vocweek_domain::{HISTORY_ACTIONS, NoticeKind, ReviewAction};
use vocweek_media::MediaError;
use vocweek_messages::{Lang, has};
use vocweek_pipeline::WORKER_FAILURE_CODES;
use vocweek_sandbox::VERDICT_CODES;

/// Chinese characters and no English sentence (two Latin words in a row); file names and
/// format names such as ".docx" or "H.264/MP4" may stay.
fn is_chinese(text: &str) -> bool {
    let words: Vec<bool> = text
        .split_whitespace()
        .map(|word| word.len() > 1 && word.chars().all(|c| c.is_ascii_alphabetic()))
        .collect();
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !words.windows(2).any(|pair| pair[0] && pair[1])
}

#[test]
fn every_failure_code_has_a_chinese_sentence() {
    let media: Vec<&str> = MediaError::one_of_each()
        .iter()
        .map(MediaError::code)
        .collect();
    let codes = media
        .iter()
        .copied()
        .chain(VERDICT_CODES)
        .chain(["media-unavailable", "media-unprocessable"])
        .chain(WORKER_FAILURE_CODES);
    let mut missing = Vec::new();
    for code in codes {
        let id = format!("failure-{code}");
        if !has(Lang::ZhCn, &id) || !has(Lang::En, &id) {
            missing.push(code);
            continue;
        }
        let sentence = vocweek_messages::failure(Lang::ZhCn, code);
        assert!(is_chinese(&sentence), "{code}: {sentence}");
    }
    assert!(missing.is_empty(), "no sentence for {missing:?}");
}

#[test]
fn every_history_action_has_a_chinese_name() {
    let review = ReviewAction::ALL.map(ReviewAction::as_str);
    for action in HISTORY_ACTIONS.iter().chain(review.iter()) {
        assert!(has(Lang::ZhCn, &format!("action-{action}")), "{action}");
        assert!(
            is_chinese(&vocweek_messages::action(Lang::ZhCn, action)),
            "{action}"
        );
    }
}

#[test]
fn every_notice_has_a_sentence_and_a_subject() {
    for kind in NoticeKind::ALL {
        for id in [
            kind.as_str().to_owned(),
            format!("{}-subject", kind.as_str()),
        ] {
            let id = format!("notice-{id}");
            assert!(has(Lang::ZhCn, &id) && has(Lang::En, &id), "{id}");
        }
    }
}
