package org.custos.ui;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TableColumn;

import java.util.function.Function;

/** Table columns whose cells show a text taken from the row. */
public final class Columns {
    private Columns() {
    }

    /** {@code column} shows {@code text} of each row; a row not loaded yet (null) shows "…". */
    public static <R> void text(TableColumn<R, String> column, Function<R, String> text) {
        column.setCellValueFactory(cd -> new ReadOnlyStringWrapper(cd.getValue() == null ? "…"
                : text.apply(cd.getValue())));
    }
}
