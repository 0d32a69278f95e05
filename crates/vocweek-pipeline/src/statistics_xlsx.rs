//! The statistics table (附件2) as the Excel file the Ministry's form asks for: the seed's
//! title, 统计单位, the nine column headers in Chinese, one row per unit, a total row, and the
//! seed's notes under the table. Numbers are numbers (the coverage a percentage-formatted
//! fraction), so the desk can sum and sort in Excel. A second sheet lists every reporting unit
//! with its submission status, which the Ministry's form has no column for.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use vocweek_domain::reporting::{
    Coverage, STATISTICS_COLUMNS, StatisticsFigures, weighted_coverage,
};

/// The seed's notes (附件2 注), then ours about the total row.
pub const STATISTICS_NOTES: [&str; 4] = [
    "注：1.各市教育局只统计所辖中职学校活动情况数，辖区内市属高职院校及民办高职院校直接报送。",
    "2.在统计“参与活动的职业院校数”时，各市教育局只统计中职学校，高职院校默认1所。",
    "3.该表请用EXCEL形式报送。",
    "4.合计行的“参与活动的职业院校学生参与覆盖率”为各单位覆盖率按其参与活动的学生数加权的平均值。",
];

/// One unit's submitted row.
pub struct StatisticsRow {
    pub unit_name: String,
    pub figures: StatisticsFigures,
}

/// One reporting unit on the status sheet.
pub struct StatusRow {
    pub unit_name: String,
    pub unit_kind_zh: String,
    pub city_zh: String,
    /// 已提交, 逾期提交, 草稿, 未填报.
    pub status_zh: String,
    /// Beijing time, or empty.
    pub first_submitted: String,
    pub last_submitted: String,
}

pub struct StatisticsWorkbook<'a> {
    /// e.g. 2021年职业教育活动周情况统计表
    pub title: &'a str,
    /// What follows 统计单位：, e.g. 山东省教育厅职业教育处（汇总）
    pub reporting_unit: &'a str,
    pub rows: &'a [StatisticsRow],
    pub statuses: &'a [StatusRow],
    /// A 合计 row (the desks' table); a unit's own copy has none.
    pub with_total: bool,
}

/// The columns: 统计单位 (the unit's name), then the seed's nine.
const COLUMN_COUNT: u16 = 1 + STATISTICS_COLUMNS.len() as u16;
/// Zero-based column of the coverage.
const COVERAGE_COLUMN: u16 = 4;

pub fn statistics_xlsx(book: &StatisticsWorkbook<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("统计表")?;
    write_table(sheet, book)?;
    let status_sheet = workbook.add_worksheet();
    status_sheet.set_name("报送情况")?;
    write_statuses(status_sheet, book.statuses)?;
    workbook.save_to_buffer()
}

fn write_table(sheet: &mut Worksheet, book: &StatisticsWorkbook<'_>) -> Result<(), XlsxError> {
    let last = COLUMN_COUNT - 1;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let plain = Format::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let percent = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.00%");
    let total_label = Format::new().set_bold().set_border(FormatBorder::Thin);

    sheet.merge_range(0, 0, 0, last, book.title, &title)?;
    sheet.merge_range(
        1,
        0,
        1,
        last,
        &format!("统计单位：{}", book.reporting_unit),
        &plain,
    )?;
    sheet.write_string_with_format(2, 0, "统计单位", &header)?;
    for (index, (_, heading)) in STATISTICS_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(2, index as u16 + 1, *heading, &header)?;
    }
    sheet.set_row_height(2, 48)?;
    sheet.set_column_width(0, 28)?;
    for column in 1..=7 {
        sheet.set_column_width(column, 14)?;
    }
    sheet.set_column_width(8, 30)?;
    sheet.set_column_width(9, 30)?;

    let mut line = 3u32;
    for row in book.rows {
        sheet.write_string_with_format(line, 0, &row.unit_name, &cell)?;
        write_figures(sheet, line, &row.figures, &cell, &percent)?;
        line += 1;
    }

    if book.with_total {
        let total = total_of(book.rows);
        sheet.write_string_with_format(line, 0, "合计", &total_label)?;
        write_figures(sheet, line, &total, &cell, &percent)?;
        line += 1;
    }
    line += 1;
    let notes = if book.with_total {
        &STATISTICS_NOTES[..]
    } else {
        &STATISTICS_NOTES[..3]
    };
    for note in notes {
        sheet.merge_range(line, 0, line, last, note, &plain)?;
        line += 1;
    }
    Ok(())
}

/// The nine values of a row; an absent value is an empty bordered cell.
fn write_figures(
    sheet: &mut Worksheet,
    line: u32,
    f: &StatisticsFigures,
    cell: &Format,
    percent: &Format,
) -> Result<(), XlsxError> {
    let counts = [
        (1, f.schools),
        (2, f.teachers),
        (3, f.students),
        (5, f.enterprises),
        (6, f.participants),
        (7, f.experience_items),
    ];
    for (column, value) in counts {
        match value {
            Some(n) => sheet.write_number_with_format(line, column, n as f64, cell)?,
            None => sheet.write_blank(line, column, cell)?,
        };
    }
    match f.student_coverage_percent {
        Some(c) => sheet.write_number_with_format(
            line,
            COVERAGE_COLUMN,
            f64::from(c.hundredths()) / 10_000.0,
            percent,
        )?,
        None => sheet.write_blank(line, COVERAGE_COLUMN, percent)?,
    };
    for (column, text) in [(8, &f.activity_forms), (9, &f.media_coverage)] {
        match text {
            Some(t) => sheet.write_string_with_format(line, column, t, cell)?,
            None => sheet.write_blank(line, column, cell)?,
        };
    }
    Ok(())
}

/// Sums of the counts; the coverage weighted by students; no text.
pub fn total_of(rows: &[StatisticsRow]) -> StatisticsFigures {
    let sum = |pick: fn(&StatisticsFigures) -> Option<i64>| {
        Some(rows.iter().filter_map(|r| pick(&r.figures)).sum::<i64>())
    };
    let coverages: Vec<(i64, Coverage)> = rows
        .iter()
        .filter_map(|r| Some((r.figures.students?, r.figures.student_coverage_percent?)))
        .collect();
    StatisticsFigures {
        schools: sum(|f| f.schools),
        teachers: sum(|f| f.teachers),
        students: sum(|f| f.students),
        student_coverage_percent: weighted_coverage(&coverages),
        enterprises: sum(|f| f.enterprises),
        participants: sum(|f| f.participants),
        experience_items: sum(|f| f.experience_items),
        activity_forms: None,
        media_coverage: None,
    }
}

fn write_statuses(sheet: &mut Worksheet, statuses: &[StatusRow]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let headers = [
        "统计单位",
        "单位类型",
        "所在城市",
        "报送状态",
        "首次提交时间（北京时间）",
        "最后提交时间（北京时间）",
    ];
    for (column, heading) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *heading, &bold)?;
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(4, 24)?;
    sheet.set_column_width(5, 24)?;
    for (index, row) in statuses.iter().enumerate() {
        let line = index as u32 + 1;
        let cells = [
            &row.unit_name,
            &row.unit_kind_zh,
            &row.city_zh,
            &row.status_zh,
            &row.first_submitted,
            &row.last_submitted,
        ];
        for (column, value) in cells.into_iter().enumerate() {
            sheet.write_string(line, column as u16, value)?;
        }
    }
    Ok(())
}
