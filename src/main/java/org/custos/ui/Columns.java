package org.custos.ui;

import javafx.beans.property.Property;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

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

    /**
     * The row selected in {@code table} and a view model's {@code selected} follow each other: a click selects in the
     * view model, and a row the view model selects (after a reload, say) is selected in the table.
     */
    public static <R> void selection(TableView<R> table, Property<R> selected) {
        table.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> selected.setValue(item));
        selected.addListener((o, a, item) -> {
            if (item != null && table.getSelectionModel().getSelectedItem() != item) {
                table.getSelectionModel().select(item);
            }
        });
    }
}
