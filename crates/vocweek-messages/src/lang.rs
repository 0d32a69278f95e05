/// The languages the catalog speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    /// The language an `Accept-Language` header prefers among ours: the first Chinese or
    /// English range by quality (`zh`, `zh-CN`, `zh-Hans`… are all zh-CN here, the campaign's
    /// language). Without the header, or with neither language, the API's default: English.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::En;
        };
        let mut best: Option<(f32, Lang)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "zh" || tag.starts_with("zh-") {
                Lang::ZhCn
            } else if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    /// The BCP 47 tag, for `Content-Language` and `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(Lang::from_accept_language(None), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("zh-CN,zh;q=0.9")),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language(Some("zh-Hans")), Lang::ZhCn);
        assert_eq!(
            Lang::from_accept_language(Some("en-US,en;q=0.9,zh-CN;q=0.8")),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language(Some("fr;q=1, zh;q=0.5, en;q=0.2")),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language(Some("fr, de")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("zh;q=0, en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some(";;,,q=")), Lang::En);
    }
}
