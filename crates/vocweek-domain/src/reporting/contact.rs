//! What a unit registers before the week (seed 四(二)): its special website and its liaison.
//! Values are normalised (trimmed, a phone number reduced to its 11 digits) before storing.

use serde::{Deserialize, Serialize};

use super::statistics::FieldProblem;

/// The person the provincial office calls (联络员).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Liaison {
    pub name: String,
    /// A mainland mobile number, 11 digits.
    pub mobile: String,
    pub email: String,
}

impl Liaison {
    /// The liaison with every field checked and normalised, or every problem found.
    pub fn checked(&self) -> Result<Liaison, Vec<FieldProblem>> {
        let name = self.name.trim();
        let mut problems = Vec::new();
        if name.is_empty() || name.chars().count() > 50 {
            problems.push(FieldProblem::new(
                "liaison.name",
                "invalid-name",
                "联络员姓名为必填项，不超过50个字",
            ));
        }
        let mobile = check_mainland_mobile("liaison.mobile", &self.mobile);
        let email = check_email("liaison.email", &self.email);
        let (mobile, email) = match (mobile, email) {
            (Ok(mobile), Ok(email)) if problems.is_empty() => (mobile, email),
            (mobile, email) => {
                problems.extend(mobile.err());
                problems.extend(email.err());
                return Err(problems);
            }
        };
        Ok(Liaison {
            name: name.to_owned(),
            mobile,
            email,
        })
    }
}

/// A mainland China mobile number: 11 digits starting 13–19, optionally written with `+86`/`86`
/// and spaces or hyphens. Returns the 11 digits.
pub fn check_mainland_mobile(field: &'static str, value: &str) -> Result<String, FieldProblem> {
    let compact: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let digits = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
        .or_else(|| compact.strip_prefix("86").filter(|rest| rest.len() == 11))
        .unwrap_or(&compact);
    let bytes = digits.as_bytes();
    let valid = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    if valid {
        Ok(digits.to_owned())
    } else {
        Err(FieldProblem::new(
            field,
            "invalid-mobile",
            "请填写11位大陆手机号码，如 13812345678",
        ))
    }
}

/// An email address: one `@`, a local part, a domain with a dot, no spaces.
pub fn check_email(field: &'static str, value: &str) -> Result<String, FieldProblem> {
    let value = value.trim();
    let problem = || FieldProblem::new(field, "invalid-email", "请填写有效的电子邮箱地址");
    let (local, domain) = value.split_once('@').ok_or_else(problem)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let local_ok = !local.is_empty()
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c == '@' || c == ',');
    if domain_ok && local_ok && value.len() <= 254 {
        Ok(value.to_owned())
    } else {
        Err(problem())
    }
}

/// The unit's special website (专题网站地址): an absolute http(s) URL with a host.
pub fn check_website(field: &'static str, value: &str) -> Result<String, FieldProblem> {
    let value = value.trim();
    let problem = || {
        FieldProblem::new(
            field,
            "invalid-url",
            "请填写以 http:// 或 https:// 开头的完整网址",
        )
    };
    let parsed = url::Url::parse(value).map_err(|_| problem())?;
    let has_host = parsed.host_str().is_some_and(|host| !host.is_empty());
    if matches!(parsed.scheme(), "http" | "https") && has_host && value.len() <= 2000 {
        Ok(parsed.to_string())
    } else {
        Err(problem())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_in_the_forms_people_write_them() {
        for written in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "8613812345678",
            "0086 13812345678",
        ] {
            assert_eq!(
                check_mainland_mobile("m", written).unwrap(),
                "13812345678",
                "{written}"
            );
        }
        for wrong in [
            "",
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "0531-86123456",
            "1381234567x",
            "+1 415 555 0100",
        ] {
            let problem = check_mainland_mobile("liaison.mobile", wrong).unwrap_err();
            assert_eq!(problem.code, "invalid-mobile", "{wrong}");
            assert_eq!(problem.field, "liaison.mobile");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            check_email("e", " zhang.san@sdedu.gov.cn ").unwrap(),
            "zhang.san@sdedu.gov.cn"
        );
        assert!(check_email("e", "联络员@学院.cn").is_ok());
        for wrong in [
            "",
            "zhangsan",
            "@sdedu.gov.cn",
            "a@b",
            "a@.cn",
            "a b@c.cn",
            "a@@c.cn",
            "a@c..cn",
        ] {
            assert!(check_email("e", wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn websites_must_be_http_urls() {
        assert_eq!(
            check_website("w", "https://zjzx.sdedu.gov.cn/hdz").unwrap(),
            "https://zjzx.sdedu.gov.cn/hdz"
        );
        assert!(check_website("w", "http://127.0.0.1:8080/").is_ok());
        for wrong in [
            "",
            "zjzx.sdedu.gov.cn",
            "ftp://files.example.cn/",
            "javascript:alert(1)",
            "https://",
            "file:///etc/passwd",
        ] {
            let problem = check_website("website_url", wrong).unwrap_err();
            assert_eq!(problem.code, "invalid-url", "{wrong}");
        }
    }

    #[test]
    fn a_liaison_reports_every_problem_at_once() {
        let problems = Liaison {
            name: " ".into(),
            mobile: "123".into(),
            email: "x".into(),
        }
        .checked()
        .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["liaison.name", "liaison.mobile", "liaison.email"]);
        let fine = Liaison {
            name: " 张三 ".into(),
            mobile: "+86 139 0531 0000".into(),
            email: "zs@sdvc.edu.cn".into(),
        }
        .checked()
        .unwrap();
        assert_eq!(fine.name, "张三");
        assert_eq!(fine.mobile, "13905310000");
    }
}
