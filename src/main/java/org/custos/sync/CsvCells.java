package org.custos.sync;

/**
 * CSV cells that a spreadsheet would run as a formula (they start with {@code = + - @}, or a tab or carriage return
 * that some programs skip before one) are written with a leading apostrophe: the value stays readable, nothing runs.
 * One rule for every CSV Custos writes (the command line, the browser's export, the reports).
 */
public final class CsvCells {
    private CsvCells() {
    }

    public static String safe(String cell) {
        if (cell == null || cell.isEmpty()) {
            return cell;
        }
        char c = cell.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + cell : cell;
    }
}
