package org.custos.cli;

/**
 * CSV cells that a spreadsheet would run as a formula (they start with {@code = + - @}, or a tab or carriage return
 * that some programs skip before one) are written with a leading apostrophe: the value stays readable, nothing runs.
 */
final class Csv {
    private Csv() {
    }

    static String safe(String cell) {
        return org.custos.sync.CsvCells.safe(cell);
    }
}
