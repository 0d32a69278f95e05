//! The statistics table (附件2 《职业教育活动周情况统计表》): one row per reporting unit, nine
//! columns. A draft may be incomplete but every value in it must be well-formed; a final
//! submission needs every column and the rules between them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::UnitKind;

/// The table's columns in the seed's order: (API field, the seed's header).
pub const STATISTICS_COLUMNS: [(&str, &str); 9] = [
    ("schools", "参与活动的职业院校数"),
    ("teachers", "参与活动的职业院校教师数"),
    ("students", "参与活动的职业院校学生数"),
    (
        "student_coverage_percent",
        "参与活动的职业院校学生参与覆盖率",
    ),
    ("enterprises", "参与活动的企业数"),
    ("participants", "参与总人数"),
    ("experience_items", "观摩体验活动项目数"),
    ("activity_forms", "主要活动形式"),
    ("media_coverage", "媒体报道情况"),
];

/// Counts above this are typing mistakes, not a province's week (the whole country has about
/// 30 million vocational students).
const MAX_COUNT: i64 = 100_000_000;
const MAX_TEXT_CHARS: usize = 2000;

/// One thing wrong with one field, said in English (`code`) and Chinese (`message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        FieldProblem {
            field,
            code,
            message: message.into(),
        }
    }
}

/// A percentage with two decimals, kept as hundredths of a percent (85.25 % = 8525) so sums
/// and comparisons are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coverage(u32);

impl Coverage {
    pub fn from_hundredths(hundredths: u32) -> Option<Self> {
        (hundredths <= 10_000).then_some(Coverage(hundredths))
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// Reads `85`, `85.5`, `85.25`, `"85.25%"`; refuses more than two decimals and anything
    /// outside 0–100.
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_end_matches(['%', '％']).trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) || fraction.len() > 2 {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let fraction: u32 = format!("{fraction:0<2}").parse().ok()?;
        Coverage::from_hundredths(whole.checked_mul(100)?.checked_add(fraction)?)
    }
}

impl std::fmt::Display for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl Serialize for Coverage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.percent())
    }
}

/// The nine values as they arrive (JSON numbers or strings, from the API or a form); `null`,
/// an absent field and an empty string all mean "not filled in yet".
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RawFigures {
    #[schema(value_type = Option<i64>)]
    pub schools: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub teachers: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub students: Option<Value>,
    /// 0–100, at most two decimals.
    #[schema(value_type = Option<f64>)]
    pub student_coverage_percent: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub enterprises: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub participants: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub experience_items: Option<Value>,
    pub activity_forms: Option<String>,
    pub media_coverage: Option<String>,
}

/// The table's row of one unit, each value well-formed; `None` is not filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatisticsFigures {
    pub schools: Option<i64>,
    pub teachers: Option<i64>,
    pub students: Option<i64>,
    pub student_coverage_percent: Option<Coverage>,
    pub enterprises: Option<i64>,
    pub participants: Option<i64>,
    pub experience_items: Option<i64>,
    pub activity_forms: Option<String>,
    pub media_coverage: Option<String>,
}

/// Parses a draft: every present value must be well-formed; missing ones are fine.
pub fn check_draft(raw: &RawFigures) -> Result<StatisticsFigures, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut count = |field: &'static str, value: &Option<Value>| match parse_count(field, value) {
        Ok(parsed) => parsed,
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let schools = count("schools", &raw.schools);
    let teachers = count("teachers", &raw.teachers);
    let students = count("students", &raw.students);
    let coverage = match parse_coverage(&raw.student_coverage_percent) {
        Ok(parsed) => parsed,
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let mut count = |field: &'static str, value: &Option<Value>| match parse_count(field, value) {
        Ok(parsed) => parsed,
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let enterprises = count("enterprises", &raw.enterprises);
    let participants = count("participants", &raw.participants);
    let experience_items = count("experience_items", &raw.experience_items);
    let mut text = |field: &'static str, value: &Option<String>| {
        let trimmed = value.as_deref().map(str::trim).filter(|t| !t.is_empty());
        match trimmed {
            Some(t) if t.chars().count() > MAX_TEXT_CHARS => {
                problems.push(FieldProblem::new(
                    field,
                    "too-long",
                    format!("不超过{MAX_TEXT_CHARS}个字"),
                ));
                None
            }
            other => other.map(str::to_owned),
        }
    };
    let activity_forms = text("activity_forms", &raw.activity_forms);
    let media_coverage = text("media_coverage", &raw.media_coverage);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(StatisticsFigures {
        schools,
        teachers,
        students,
        student_coverage_percent: coverage,
        enterprises,
        participants,
        experience_items,
        activity_forms,
        media_coverage,
    })
}

/// Parses a final submission of `unit_kind`: the draft's checks, every column filled in, and
/// the rules between columns. Returns every problem found, not only the first.
pub fn check_final(
    raw: &RawFigures,
    unit_kind: UnitKind,
) -> Result<StatisticsFigures, Vec<FieldProblem>> {
    let figures = check_draft(raw)?;
    let mut problems = Vec::new();
    let missing =
        |field: &'static str| FieldProblem::new(field, "required", "正式提交前请填写此项");
    let f = &figures;
    let present = [
        ("schools", f.schools.is_some()),
        ("teachers", f.teachers.is_some()),
        ("students", f.students.is_some()),
        (
            "student_coverage_percent",
            f.student_coverage_percent.is_some(),
        ),
        ("enterprises", f.enterprises.is_some()),
        ("participants", f.participants.is_some()),
        ("experience_items", f.experience_items.is_some()),
        ("activity_forms", f.activity_forms.is_some()),
        ("media_coverage", f.media_coverage.is_some()),
    ];
    problems.extend(
        present
            .into_iter()
            .filter(|(_, is_present)| !is_present)
            .map(|(field, _)| missing(field)),
    );
    if let (Some(teachers), Some(students), Some(participants)) =
        (f.teachers, f.students, f.participants)
        && teachers.saturating_add(students) > participants
    {
        problems.push(FieldProblem::new(
            "participants",
            "participants-too-few",
            format!(
                "参与总人数（{participants}）不能少于教师数与学生数之和（{}）",
                teachers.saturating_add(students)
            ),
        ));
    }
    if unit_kind == UnitKind::HigherVocationalCollege && f.schools.is_some_and(|n| n != 1) {
        problems.push(FieldProblem::new(
            "schools",
            "college-reports-one-school",
            "高职院校的“参与活动的职业院校数”默认为1所",
        ));
    }
    if let (Some(0), Some(coverage)) = (f.students, f.student_coverage_percent)
        && coverage.hundredths() > 0
    {
        problems.push(FieldProblem::new(
            "student_coverage_percent",
            "coverage-without-students",
            "参与学生数为0时，学生参与覆盖率应为0",
        ));
    }
    if problems.is_empty() {
        Ok(figures)
    } else {
        Err(problems)
    }
}

/// The total row's coverage: each unit's coverage weighted by its participating students (a
/// unit with more students counts more). `None` when no student took part.
pub fn weighted_coverage(rows: &[(i64, Coverage)]) -> Option<Coverage> {
    let students: i128 = rows.iter().map(|(s, _)| i128::from(*s)).sum();
    if students <= 0 {
        return None;
    }
    let weighted: i128 = rows
        .iter()
        .map(|(s, c)| i128::from(*s) * i128::from(c.hundredths()))
        .sum();
    // Rounded half up to the nearest hundredth of a percent.
    let hundredths = (weighted * 2 + students) / (students * 2);
    Coverage::from_hundredths(u32::try_from(hundredths).ok()?)
}

fn parse_count(field: &'static str, value: &Option<Value>) -> Result<Option<i64>, FieldProblem> {
    let problem = || FieldProblem::new(field, "not-a-count", "请填写非负整数");
    let number = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Value::String(text)) => text.trim().parse::<i64>().map_err(|_| problem())?,
        Some(Value::Number(n)) => n.as_i64().ok_or_else(problem)?,
        Some(_) => return Err(problem()),
    };
    if !(0..=MAX_COUNT).contains(&number) {
        return Err(FieldProblem::new(
            field,
            "not-a-count",
            format!("请填写0到{MAX_COUNT}之间的整数"),
        ));
    }
    Ok(Some(number))
}

fn parse_coverage(value: &Option<Value>) -> Result<Option<Coverage>, FieldProblem> {
    const FIELD: &str = "student_coverage_percent";
    let problem = || {
        FieldProblem::new(
            FIELD,
            "not-a-percentage",
            "请填写0到100之间的百分数，最多两位小数",
        )
    };
    let text = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(problem()),
    };
    Coverage::parse(&text).map(Some).ok_or_else(problem)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn raw(value: Value) -> RawFigures {
        serde_json::from_value(value).unwrap()
    }

    fn complete() -> Value {
        json!({
            "schools": 1, "teachers": 120, "students": 3400, "student_coverage_percent": 85.5,
            "enterprises": 12, "participants": 4000, "experience_items": 36,
            "activity_forms": "开放校园、技能展示", "media_coverage": "大众网报道3篇"
        })
    }

    fn with(field: &str, value: Value) -> RawFigures {
        let mut row = complete();
        row[field] = value;
        raw(row)
    }

    fn codes(
        result: Result<StatisticsFigures, Vec<FieldProblem>>,
    ) -> Vec<(&'static str, &'static str)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    }

    #[test]
    fn a_complete_row_passes_for_both_kinds_of_reporting_unit() {
        let figures = check_final(&raw(complete()), UnitKind::HigherVocationalCollege).unwrap();
        assert_eq!(
            figures.student_coverage_percent.unwrap().to_string(),
            "85.50"
        );
        let mut bureau = complete();
        bureau["schools"] = json!(23);
        assert!(check_final(&raw(bureau), UnitKind::CityBureau).is_ok());
    }

    #[test]
    fn counts_must_be_non_negative_integers() {
        for bad in [
            json!(-1),
            json!(3.5),
            json!("12a"),
            json!(true),
            json!([1]),
            json!(1e12),
        ] {
            assert_eq!(
                codes(check_draft(&with("teachers", bad.clone()))),
                [("teachers", "not-a-count")],
                "{bad}"
            );
        }
        // Numbers typed into a form arrive as strings.
        let figures = check_draft(&with("teachers", json!(" 120 "))).unwrap();
        assert_eq!(figures.teachers, Some(120));
        assert_eq!(
            check_draft(&with("teachers", json!(0))).unwrap().teachers,
            Some(0)
        );
    }

    #[test]
    fn coverage_is_a_percentage_between_0_and_100() {
        for (good, hundredths) in [
            (json!(0), 0),
            (json!(100), 10_000),
            (json!("85.25%"), 8525),
            (json!("85.2"), 8520),
            (json!(99.99), 9999),
        ] {
            let figures = check_draft(&with("student_coverage_percent", good)).unwrap();
            assert_eq!(
                figures.student_coverage_percent.unwrap().hundredths(),
                hundredths
            );
        }
        for bad in [
            json!(-0.5),
            json!(100.01),
            json!(150),
            json!("85.255"),
            json!("八十"),
            json!(".5"),
        ] {
            assert_eq!(
                codes(check_draft(&with("student_coverage_percent", bad.clone()))),
                [("student_coverage_percent", "not-a-percentage")],
                "{bad}"
            );
        }
    }

    #[test]
    fn a_draft_may_be_incomplete_but_a_final_submission_may_not() {
        let partial = raw(json!({ "teachers": 5, "activity_forms": "  " }));
        let draft = check_draft(&partial).unwrap();
        assert_eq!(draft.teachers, Some(5));
        assert_eq!(draft.activity_forms, None);
        let missing = codes(check_final(&partial, UnitKind::CityBureau));
        assert_eq!(missing.len(), 8);
        assert!(missing.iter().all(|(_, code)| *code == "required"));
        assert!(!missing.iter().any(|(field, _)| *field == "teachers"));
    }

    #[test]
    fn teachers_and_students_fit_in_the_total() {
        assert_eq!(
            codes(check_final(
                &with("participants", json!(3519)),
                UnitKind::CityBureau
            )),
            [("participants", "participants-too-few")]
        );
        assert!(check_final(&with("participants", json!(3520)), UnitKind::CityBureau).is_ok());
    }

    #[test]
    fn a_college_reports_one_school_a_bureau_counts_its_own() {
        assert_eq!(
            codes(check_final(
                &with("schools", json!(3)),
                UnitKind::HigherVocationalCollege
            )),
            [("schools", "college-reports-one-school")]
        );
        assert!(check_final(&with("schools", json!(3)), UnitKind::CityBureau).is_ok());
    }

    #[test]
    fn no_students_means_no_coverage() {
        let mut row = complete();
        row["students"] = json!(0);
        assert_eq!(
            codes(check_final(&raw(row.clone()), UnitKind::CityBureau)),
            [("student_coverage_percent", "coverage-without-students")]
        );
        row["student_coverage_percent"] = json!(0);
        assert!(check_final(&raw(row), UnitKind::CityBureau).is_ok());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let found = codes(check_draft(&raw(json!({
            "schools": -1, "students": "many", "student_coverage_percent": 101,
            "media_coverage": "长".repeat(2001)
        }))));
        assert_eq!(
            found,
            [
                ("schools", "not-a-count"),
                ("students", "not-a-count"),
                ("student_coverage_percent", "not-a-percentage"),
                ("media_coverage", "too-long"),
            ]
        );
    }

    #[test]
    fn the_total_coverage_is_weighted_by_students() {
        let c = |h| Coverage::from_hundredths(h).unwrap();
        // 1,000 students at 90 % and 3,000 at 50 %: (900 + 1500) / 4000 = 60 %.
        assert_eq!(
            weighted_coverage(&[(1000, c(9000)), (3000, c(5000))]),
            Some(c(6000))
        );
        assert_eq!(
            weighted_coverage(&[(1, c(3333)), (2, c(3334))])
                .unwrap()
                .to_string(),
            "33.34"
        );
        assert_eq!(weighted_coverage(&[(0, c(0))]), None);
        assert_eq!(weighted_coverage(&[]), None);
    }
}
