//! The statistics table (附件2) as Excel: read back with a real xlsx reader (calamine) and
//! converted by LibreOffice Calc (`soffice --headless --convert-to csv`), and both must show
//! the seed's title, 统计单位, the nine headers, one row per submitted unit, the totals (the
//! coverage weighted by students) and the seed's notes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::{Backend, TestApp, both_databases, spawn_app};

async fn submit(app: &TestApp, token: &str, table: Value) {
    let response = app
        .client
        .put(app.url("/api/v1/campaigns/current/units/me/statistics"))
        .bearer_auth(token)
        .json(&table)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

fn table(schools: i64, teachers: i64, students: i64, coverage: &str, participants: i64) -> Value {
    json!({
        "schools": schools, "teachers": teachers, "students": students,
        "student_coverage_percent": coverage, "enterprises": 7, "participants": participants,
        "experience_items": 11, "activity_forms": "开放校园、技能展示、\"技能下乡\"",
        "media_coverage": "大众网报道3篇", "submit": true
    })
}

/// The first sheet as CSV, as LibreOffice Calc shows it (UTF-8, comma, quote).
fn libreoffice_csv(xlsx: &[u8]) -> Vec<Vec<String>> {
    let csv = vocweek_tests::documents::libreoffice_convert(
        "table.xlsx",
        xlsx,
        None,
        "csv:Text - txt - csv (StarCalc):44,34,76",
        "csv",
    );
    parse_csv(&String::from_utf8(csv).unwrap())
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and newlines.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![Vec::new()];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => rows.last_mut().unwrap().push(std::mem::take(&mut field)),
            ('\n', false) => {
                rows.last_mut().unwrap().push(std::mem::take(&mut field));
                rows.push(Vec::new());
            }
            ('\r', false) => {}
            (other, _) => field.push(other),
        }
    }
    if !field.is_empty() || !rows.last().unwrap().is_empty() {
        rows.last_mut().unwrap().push(field);
    } else {
        rows.pop();
    }
    rows
}

async fn the_excel_table_reads_back_in_a_real_reader_and_in_libreoffice(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, jinan) = app
        .unit("济南市教育局", UnitKind::CityBureau, "jinan")
        .await;
    let (_, college) = app
        .unit(
            "山东商业职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jinan",
        )
        .await;
    let (_, drafting) = app
        .unit(
            "德州职业技术学院",
            UnitKind::HigherVocationalCollege,
            "dezhou",
        )
        .await;
    let (_, silent) = app
        .unit("聊城市教育局", UnitKind::CityBureau, "liaocheng")
        .await;
    let (_, _hr) = app
        .unit("济南市人社局", UnitKind::CityHrBureau, "jinan")
        .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;

    app.pin_clock("2021-06-01 10:00:00");
    // 1,000 students at 90 % and 3,000 at 50 %: the weighted coverage is 60 %, not 70 %.
    submit(&app, &jinan, table(23, 800, 1000, "90", 2500)).await;
    app.pin_clock("2021-06-03 09:00:00");
    submit(&app, &college, table(1, 200, 3000, "50", 3600)).await;
    let mut draft = table(1, 5, 5, "1", 10);
    draft["submit"] = json!(false);
    submit(&app, &drafting, draft).await;

    let response = app
        .client
        .get(app.url("/api/v1/campaigns/current/statistics.xlsx"))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''2021")
    );
    let xlsx = response.bytes().await.unwrap().to_vec();

    // calamine, cell by cell: numbers are numbers.
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.clone())).unwrap();
    assert_eq!(workbook.sheet_names(), ["统计表", "报送情况"]);
    let sheet = workbook.worksheet_range("统计表").unwrap();
    let text = |row: u32, column: u32| {
        sheet
            .get_value((row, column))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let number = |row: u32, column: u32| match sheet.get_value((row, column)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("({row},{column}) is not a number: {other:?}"),
    };
    assert_eq!(text(0, 0), "2021年职业教育活动周情况统计表");
    assert_eq!(text(1, 0), "统计单位：省教育厅职业教育处（汇总）");
    let headers: Vec<String> = (0..10).map(|c| text(2, c)).collect();
    assert_eq!(
        headers,
        [
            "统计单位",
            "参与活动的职业院校数",
            "参与活动的职业院校教师数",
            "参与活动的职业院校学生数",
            "参与活动的职业院校学生参与覆盖率",
            "参与活动的企业数",
            "参与总人数",
            "观摩体验活动项目数",
            "主要活动形式",
            "媒体报道情况",
        ]
    );
    // Only submitted tables (on time or late) are rows; the draft is not.
    assert_eq!(text(3, 0), "济南市教育局");
    assert_eq!(text(4, 0), "山东商业职业技术学院");
    assert_eq!(text(5, 0), "合计");
    assert_eq!(number(3, 1), 23.0);
    assert_eq!(number(3, 4), 0.9);
    assert_eq!(text(3, 8), "开放校园、技能展示、\"技能下乡\"");
    let totals: Vec<f64> = [1, 2, 3, 5, 6, 7].iter().map(|c| number(5, *c)).collect();
    assert_eq!(totals, [24.0, 1000.0, 4000.0, 14.0, 6100.0, 22.0]);
    assert!(
        (number(5, 4) - 0.6).abs() < 1e-9,
        "weighted coverage {}",
        number(5, 4)
    );
    let notes: Vec<String> = (7..11).map(|r| text(r, 0)).collect();
    assert!(notes[0].starts_with("注：1.各市教育局只统计所辖中职学校活动情况数"));
    assert!(notes[1].contains("高职院校默认1所"));
    assert!(notes[2].contains("EXCEL"));
    assert!(
        notes[3].contains("加权"),
        "the total row's coverage is explained"
    );

    // The status sheet names every reporting unit of the desk, with its state.
    let statuses = workbook.worksheet_range("报送情况").unwrap();
    let status_of = |name: &str| {
        (1..statuses.height() as u32)
            .find(|r| {
                statuses
                    .get_value((*r, 0))
                    .map(|v| v.to_string())
                    .as_deref()
                    == Some(name)
            })
            .map(|r| statuses.get_value((r, 3)).unwrap().to_string())
    };
    assert_eq!(status_of("济南市教育局").as_deref(), Some("已提交"));
    assert_eq!(
        status_of("山东商业职业技术学院").as_deref(),
        Some("逾期提交")
    );
    assert_eq!(
        status_of("德州职业技术学院").as_deref(),
        Some("草稿（未提交）")
    );
    assert_eq!(status_of("聊城市教育局").as_deref(), Some("未填报"));
    assert_eq!(
        status_of("济南市人社局"),
        None,
        "HR units do not report the table"
    );

    // LibreOffice Calc opens the same file and shows the same figures.
    let rows = libreoffice_csv(&xlsx);
    assert_eq!(rows[0][0], "2021年职业教育活动周情况统计表");
    assert_eq!(rows[1][0], "统计单位：省教育厅职业教育处（汇总）");
    assert_eq!(rows[2][1], "参与活动的职业院校数");
    assert_eq!(rows[2][9], "媒体报道情况");
    assert_eq!(
        rows[3][..8],
        [
            "济南市教育局",
            "23",
            "800",
            "1000",
            "90.00%",
            "7",
            "2500",
            "11"
        ]
    );
    assert_eq!(rows[3][8], "开放校园、技能展示、\"技能下乡\"");
    assert_eq!(
        rows[5][..8],
        ["合计", "24", "1000", "4000", "60.00%", "14", "6100", "22"]
    );
    assert!(rows[7][0].starts_with("注：1."));

    // A unit downloads its own table: 统计单位 is the unit, its one row, no total row.
    let (status, _, own) = app
        .fetch(
            &college,
            "/api/v1/campaigns/current/units/me/statistics.xlsx",
        )
        .await;
    assert_eq!(status, 200);
    let mut own: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(own)).unwrap();
    let sheet = own.worksheet_range("统计表").unwrap();
    let text = |row: u32, column: u32| {
        sheet
            .get_value((row, column))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(text(1, 0), "统计单位：山东商业职业技术学院");
    assert_eq!(text(3, 0), "山东商业职业技术学院");
    assert_eq!(text(3, 3), "3000");
    assert!(text(4, 0).is_empty(), "no total row for one unit");
    assert!(text(5, 0).starts_with("注：1."));
    let (status, _, _) = app
        .fetch(
            &silent,
            "/api/v1/campaigns/current/units/me/statistics.xlsx",
        )
        .await;
    assert_eq!(status, 404, "nothing filled in yet");

    // The JSON table agrees.
    let (_, json_table) = app
        .get(&editor, "/api/v1/campaigns/current/statistics")
        .await;
    assert_eq!(json_table["submitted"], 2);
    assert_eq!(json_table["expected"], 4);
    assert_eq!(json_table["total"]["participants"], 6100);
    assert_eq!(json_table["total"]["student_coverage_percent"], 60.0);
    app.stop().await;
}

both_databases!(the_excel_table_reads_back_in_a_real_reader_and_in_libreoffice);
