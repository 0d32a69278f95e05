//! Spreadsheets people open in Excel: a bold title row (optional), bold headers, text cells,
//! numbers where a column is numeric, and column widths where the caller knows them.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One sheet as [`sized_table_xlsx`] writes it.
pub struct Table<'a> {
    pub sheet_name: &'a str,
    /// On the first row, when given.
    pub title: Option<&'a str>,
    pub headers: &'a [&'a str],
    pub rows: &'a [Vec<String>],
    /// Columns whose cells are written as numbers when they parse.
    pub numeric: &'a [usize],
    /// Each column's width in Excel's character units, from the first column; columns past
    /// the end keep Excel's default.
    pub widths: &'a [f64],
}

/// One sheet: `title` on the first row when given, then `headers`, then `rows`. Cells of the
/// columns listed in `numeric` are written as numbers when they parse.
pub fn table_xlsx(
    sheet_name: &str,
    title: Option<&str>,
    headers: &[&str],
    rows: &[Vec<String>],
    numeric: &[usize],
) -> Result<Vec<u8>, XlsxError> {
    sized_table_xlsx(&Table {
        sheet_name,
        title,
        headers,
        rows,
        numeric,
        widths: &[],
    })
}

/// `table` as a workbook of one sheet.
pub fn sized_table_xlsx(table: &Table<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.sheet_name)?;
    for (column, width) in table.widths.iter().enumerate() {
        sheet.set_column_width(column as u16, *width)?;
    }
    let bold = Format::new().set_bold();
    let mut line = 0u32;
    if let Some(title) = table.title {
        sheet.write_string_with_format(line, 0, title, &bold)?;
        line += 1;
    }
    for (column, name) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(line, column as u16, *name, &bold)?;
    }
    for row in table.rows {
        line += 1;
        for (column, value) in row.iter().enumerate() {
            match value.parse::<f64>() {
                Ok(number) if table.numeric.contains(&column) => {
                    sheet.write_number(line, column as u16, number)?
                }
                _ => sheet.write_string(line, column as u16, value)?,
            };
        }
    }
    workbook.save_to_buffer()
}
