package org.custos.servers;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One resource type in the sync panel: this run's progress, and how the last run ended. */
public final class TypeRow {
    private final String type;
    private final StringProperty progress = new SimpleStringProperty("");
    private final DoubleProperty fraction = new SimpleDoubleProperty(0);
    private final StringProperty rate = new SimpleStringProperty("");
    private final StringProperty eta = new SimpleStringProperty("");
    private final StringProperty last = new SimpleStringProperty("never synced");
    private final StringProperty lastDetail = new SimpleStringProperty("");

    TypeRow(String type) {
        this.type = type;
    }

    public String type() { return type; }

    public StringProperty progressProperty() { return progress; }

    /** 0..1, or -1 while the total is unknown. */
    public DoubleProperty fractionProperty() { return fraction; }

    public StringProperty rateProperty() { return rate; }

    public StringProperty etaProperty() { return eta; }

    public StringProperty lastProperty() { return last; }

    /** The last run's counts or failure, in full (a tooltip). */
    public StringProperty lastDetailProperty() { return lastDetail; }
}
