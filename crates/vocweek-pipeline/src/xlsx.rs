//! Spreadsheets people open in Excel: a bold title row (optional), bold headers, text cells,
//! and numbers where a column is numeric.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One sheet: `title` on the first row when given, then `headers`, then `rows`. Cells of the
/// columns listed in `numeric` are written as numbers when they parse.
pub fn table_xlsx(
    sheet_name: &str,
    title: Option<&str>,
    headers: &[&str],
    rows: &[Vec<String>],
    numeric: &[usize],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    let mut line = 0u32;
    if let Some(title) = title {
        sheet.write_string_with_format(line, 0, title, &bold)?;
        line += 1;
    }
    for (column, name) in headers.iter().enumerate() {
        sheet.write_string_with_format(line, column as u16, *name, &bold)?;
    }
    for row in rows {
        line += 1;
        for (column, value) in row.iter().enumerate() {
            match value.parse::<f64>() {
                Ok(number) if numeric.contains(&column) => {
                    sheet.write_number(line, column as u16, number)?
                }
                _ => sheet.write_string(line, column as u16, value)?,
            };
        }
    }
    workbook.save_to_buffer()
}
