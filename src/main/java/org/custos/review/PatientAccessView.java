package org.custos.review;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.util.StringConverter;
import org.controlsfx.control.RangeSlider;
import org.controlsfx.control.textfield.AutoCompletionBinding;
import org.controlsfx.control.textfield.TextFields;
import org.custos.review.AccessReport.AccessEvent;
import org.custos.review.AccessReport.AccessUser;
import org.custos.review.AccessReview.Candidate;
import org.custos.review.AccessReview.Suggestion;
import org.custos.review.Timeline.Bar;
import org.custos.review.Timeline.Chart;
import org.custos.ui.Views;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The "Patient access" tab: binds the patient field (with the directory's suggestions), the origin choice, the
 * timeline chart, the users and the events to {@link PatientAccessViewModel}. A bar clicked filters the tables to its
 * days; the mouse wheel over the chart zooms; a double-click on an event opens it in the audit browser.
 */
public final class PatientAccessView {
    private static final PseudoClass FAILURE = PseudoClass.getPseudoClass("failure");
    private static final PseudoClass BTG = PseudoClass.getPseudoClass("btg");

    private final PatientAccessViewModel vm;
    @FXML javafx.scene.control.Button disclosureButton;
    @FXML Label disclosureMessage;
    private Parent root;
    private AutoCompletionBinding<Suggestion> completion;

    @FXML TextField accessPatientField;
    @FXML Button accessShowButton;
    @FXML ComboBox<Candidate> candidateBox;
    @FXML ProgressBar accessProgress;
    @FXML Button accessCancelButton;
    @FXML Label originNoteLabel;
    @FXML Label accessTitle;
    @FXML Label accessSummary;
    @FXML Label accessMessage;
    @FXML SplitPane accessSplit;
    @FXML Label chartNoteLabel;
    @FXML ToggleButton byUserButton;
    @FXML ToggleButton byActionButton;
    @FXML Button panBackButton;
    @FXML Button zoomInButton;
    @FXML Button zoomOutButton;
    @FXML Button panOnButton;
    @FXML Button allDaysButton;
    @FXML StackedBarChart<String, Number> timelineChart;
    @FXML CategoryAxis dayAxis;
    @FXML NumberAxis countAxis;
    @FXML RangeSlider rangeSlider;
    @FXML Label filterLabel;
    @FXML Button clearFilterButton;
    @FXML TableView<AccessUser> userTable;
    @FXML TableColumn<AccessUser, String> userNameColumn;
    @FXML TableColumn<AccessUser, String> userIdColumn;
    @FXML TableColumn<AccessUser, String> userRoleColumn;
    @FXML TableColumn<AccessUser, Long> userEventsColumn;
    @FXML TableColumn<AccessUser, Instant> userFirstColumn;
    @FXML TableColumn<AccessUser, Instant> userLastColumn;
    @FXML TableColumn<AccessUser, String> userPurposeColumn;
    @FXML TableColumn<AccessUser, Long> userBtgColumn;
    @FXML TableColumn<AccessUser, Long> userFailedColumn;
    @FXML Label eventsNoteLabel;
    @FXML Button openEventButton;
    @FXML TableView<AccessEvent> accessEventTable;
    @FXML TableColumn<AccessEvent, Instant> eventTimeColumn;
    @FXML TableColumn<AccessEvent, String> eventUserColumn;
    @FXML TableColumn<AccessEvent, String> eventActionColumn;
    @FXML TableColumn<AccessEvent, String> eventTypeColumn;
    @FXML TableColumn<AccessEvent, String> eventOutcomeColumn;
    @FXML TableColumn<AccessEvent, String> eventPurposeColumn;
    @FXML TableColumn<AccessEvent, String> eventIdColumn;

    private DisclosureExportModel disclosures;
    private DisclosureSettingsView disclosureSettings;
    @FXML javafx.scene.control.Button disclosureSettingsButton;

    /**
     * Adds the *Accounting of disclosures…* button's work and the *What counts…* window (before the view is
     * loaded).
     */
    public PatientAccessView reportsWith(DisclosureExportModel model, DisclosureSettingsView settings) {
        this.disclosures = model;
        this.disclosureSettings = settings;
        return this;
    }

    public PatientAccessView(PatientAccessViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    /** Tells the view model when the tab is on screen (a cache change is read again then, not before). */
    public void showing(javafx.beans.value.ObservableBooleanValue selected) {
        vm.shown().bind(selected);
    }

    @FXML
    void initialize() {
        if (disclosures == null) {
            for (javafx.scene.Node n : java.util.List.of(disclosureButton, disclosureSettingsButton)) {
                n.setVisible(false);
                n.setManaged(false);
            }
        } else {
            disclosureButton.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                    () -> !DisclosureExportModel.reportable(vm.candidate().get()), vm.candidate())
                    .or(disclosures.busy()));
            disclosureMessage.textProperty().bind(disclosures.message());
        }
        accessPatientField.textProperty().bindBidirectional(vm.query());
        completion = TextFields.bindAutoCompletion(accessPatientField,
                r -> vm.suggest(r.getUserText()), new StringConverter<>() {
                    @Override
                    public String toString(Suggestion s) {
                        return s == null ? "" : s.toString();
                    }

                    @Override
                    public Suggestion fromString(String s) {
                        return null;
                    }
                });
        completion.setOnAutoCompleted(e -> vm.pick(e.getCompletion()));
        completion.setPrefWidth(560);
        completion.setVisibleRowCount(12);

        candidateBox.setItems(vm.candidates());
        candidateBox.valueProperty().bindBidirectional(vm.candidate());
        candidateBox.setConverter(new StringConverter<>() {
            @Override
            public String toString(Candidate c) {
                return vm.describe(c);
            }

            @Override
            public Candidate fromString(String s) {
                return null;
            }
        });
        candidateBox.visibleProperty().bind(vm.severalCandidates());
        candidateBox.managedProperty().bind(vm.severalCandidates());
        accessProgress.progressProperty().bind(vm.progress());
        accessProgress.visibleProperty().bind(vm.busy());
        accessProgress.managedProperty().bind(vm.busy());
        accessCancelButton.visibleProperty().bind(vm.busy());
        accessCancelButton.managedProperty().bind(vm.busy());
        shownWhenText(originNoteLabel, vm.originNote());
        shownWhenText(accessTitle, vm.title());
        shownWhenText(accessSummary, vm.summary());
        shownWhenText(accessMessage, vm.message());

        ToggleGroup by = new ToggleGroup();
        byUserButton.setToggleGroup(by);
        byActionButton.setToggleGroup(by);
        byUserButton.setUserData(Timeline.By.USER);
        byActionButton.setUserData(Timeline.By.ACTION);
        by.selectToggle(vm.by().get() == Timeline.By.USER ? byUserButton : byActionButton);
        by.selectedToggleProperty().addListener((o, before, now) -> {
            if (now == null) {
                by.selectToggle(before); // one of the two is always chosen
            } else {
                vm.by().set((Timeline.By) now.getUserData());
            }
        });
        chartNoteLabel.textProperty().bind(vm.chartNote());
        for (Node n : List.of(byUserButton, byActionButton, panBackButton, zoomInButton, zoomOutButton, panOnButton,
                allDaysButton, rangeSlider)) {
            n.disableProperty().bind(vm.hasReport().not());
        }
        rangeSlider.maxProperty().bind(vm.rangeMax());
        rangeSlider.setMin(0);
        rangeSlider.setBlockIncrement(1);
        rangeSlider.setSnapToTicks(false);
        rangeSlider.lowValueProperty().bindBidirectional(vm.low());
        rangeSlider.highValueProperty().bindBidirectional(vm.high());
        timelineChart.setAnimated(false);
        timelineChart.setCategoryGap(2);
        dayAxis.setTickLabelRotation(-90);
        vm.chart().addListener((o, a, c) -> draw(c));
        vm.filter().addListener((o, a, f) -> markFiltered());
        timelineChart.setOnScroll(e -> {
            if (e.getDeltaY() == 0 || vm.chart().get() == null) {
                return;
            }
            double x = dayAxis.sceneToLocal(e.getSceneX(), e.getSceneY()).getX();
            vm.zoomAt(dayAxis.getValueForDisplay(x), e.getDeltaY() > 0);
            e.consume();
        });

        filterLabel.textProperty().bind(vm.filterText());
        clearFilterButton.visibleProperty().bind(vm.filter().isNotNull());
        clearFilterButton.managedProperty().bind(vm.filter().isNotNull());

        String zone = " (" + vm.zoneName() + ")";
        userFirstColumn.setText(userFirstColumn.getText() + zone);
        userLastColumn.setText(userLastColumn.getText() + zone);
        eventTimeColumn.setText(eventTimeColumn.getText() + zone);
        text(userNameColumn, AccessUser::name, vm::nameSource);
        text(userIdColumn, vm::identity, vm::identity);
        text(userRoleColumn, vm::roles, vm::roles);
        number(userEventsColumn, AccessUser::events);
        time(userFirstColumn, AccessUser::first);
        time(userLastColumn, AccessUser::last);
        text(userPurposeColumn, vm::purposes, vm::purposes);
        number(userBtgColumn, AccessUser::breakTheGlass);
        number(userFailedColumn, AccessUser::failed);
        userTable.setItems(vm.users());
        userTable.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(AccessUser u, boolean empty) {
                super.updateItem(u, empty);
                pseudoClassStateChanged(BTG, !empty && u != null && u.breakTheGlass() > 0);
                pseudoClassStateChanged(FAILURE, !empty && u != null && u.breakTheGlass() == 0 && u.failed() > 0);
            }
        });

        eventsNoteLabel.textProperty().bind(vm.eventsNote());
        time(eventTimeColumn, AccessEvent::recorded);
        text(eventUserColumn, AccessEvent::user, AccessEvent::userKey);
        text(eventActionColumn, vm::action, null);
        text(eventTypeColumn, AccessEvent::type, AccessEvent::type);
        text(eventOutcomeColumn, vm::outcome, null);
        text(eventPurposeColumn, vm::purposes, null);
        text(eventIdColumn, AccessEvent::id, AccessEvent::origin);
        accessEventTable.setItems(vm.events());
        accessEventTable.setRowFactory(t -> {
            TableRow<AccessEvent> row = new TableRow<>() {
                @Override
                protected void updateItem(AccessEvent e, boolean empty) {
                    super.updateItem(e, empty);
                    pseudoClassStateChanged(FAILURE, !empty && e != null && e.failed());
                    pseudoClassStateChanged(BTG, !empty && e != null && e.breakTheGlass() && !e.failed());
                }
            };
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    vm.open(row.getItem());
                }
            });
            return row;
        });
        accessEventTable.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                openEvent();
            }
        });
        openEventButton.disableProperty().bind(
                accessEventTable.getSelectionModel().selectedItemProperty().isNull());
    }

    private static void shownWhenText(Label l, javafx.beans.property.StringProperty text) {
        l.textProperty().bind(text);
        l.visibleProperty().bind(text.isNotEmpty());
        l.managedProperty().bind(text.isNotEmpty());
    }

    /** Draws the chart: a series per user or action, a bar per day (or week, month); each bar clickable. */
    private void draw(Chart c) {
        timelineChart.getData().clear();
        if (c == null) {
            dayAxis.getCategories().clear();
            return;
        }
        // counts are whole: whole steps (the axis's own would be 0.5 or 2.5 for small counts)
        countAxis.setAutoRanging(false);
        countAxis.setLowerBound(0);
        countAxis.setUpperBound(c.axisTop());
        countAxis.setTickUnit(c.tickUnit());
        List<String> labels = c.bars().stream().map(Bar::label).toList();
        dayAxis.getCategories().setAll(labels);
        List<XYChart.Series<String, Number>> all = new ArrayList<>();
        for (int s = 0; s < c.series().size(); s++) {
            XYChart.Series<String, Number> series = new XYChart.Series<>();
            series.setName(c.series().get(s));
            for (Bar b : c.bars()) {
                XYChart.Data<String, Number> d = new XYChart.Data<>(b.label(), b.counts().get(s));
                d.setExtraValue(b);
                int index = s;
                d.nodeProperty().addListener((o, before, node) -> {
                    if (node != null) {
                        wire(node, b, c.series().get(index), b.counts().get(index));
                    }
                });
                series.getData().add(d);
            }
            all.add(series);
        }
        timelineChart.getData().setAll(all);
        markFiltered();
    }

    private void wire(Node node, Bar b, String series, long count) {
        node.setOnMouseClicked(e -> vm.filterTo(b.label()));
        node.getStyleClass().add("timeline-bar");
        node.setCursor(javafx.scene.Cursor.HAND);
        Tooltip.install(node, new Tooltip(vm.barTip(b, series, count)));
        node.setOpacity(vm.filter().get() == null || vm.isFiltered(b) ? 1 : 0.35);
    }

    /** The bars of the filter's days stand out; the others fade while a filter is on. */
    private void markFiltered() {
        for (XYChart.Series<String, Number> s : timelineChart.getData()) {
            for (XYChart.Data<String, Number> d : s.getData()) {
                if (d.getNode() != null && d.getExtraValue() instanceof Bar b) {
                    d.getNode().setOpacity(vm.filter().get() == null || vm.isFiltered(b) ? 1 : 0.35);
                }
            }
        }
    }

    private static <T> void text(TableColumn<T, String> c, Function<T, String> f, Function<T, String> tip) {
        c.setCellValueFactory(r -> {
            String v = f.apply(r.getValue());
            return new ReadOnlyStringWrapper(v == null ? "" : v);
        });
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                T row = empty || getTableRow() == null ? null : getTableRow().getItem();
                String t = row == null || tip == null ? item : tip.apply(row);
                setTooltip(empty || t == null || t.isEmpty() ? null : new Tooltip(t));
            }
        });
    }

    private static <T> void number(TableColumn<T, Long> c, Function<T, Long> f) {
        c.setCellValueFactory(r -> new ReadOnlyObjectWrapper<>(f.apply(r.getValue())));
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
    }

    private <T> void time(TableColumn<T, Instant> c, Function<T, Instant> f) {
        c.setCellValueFactory(r -> new ReadOnlyObjectWrapper<>(f.apply(r.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Instant item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : vm.time(item));
            }
        });
    }

    @FXML
    void find() {
        completion.getAutoCompletionPopup().hide(); // (Enter takes the text as typed: the offers are not wanted now)
        vm.find();
    }

    @FXML
    void disclosures() {
        javafx.stage.FileChooser c = new javafx.stage.FileChooser();
        c.setTitle("Write the accounting of disclosures (PDF)");
        c.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("PDF", "*.pdf"));
        c.setInitialFileName("accounting-of-disclosures.pdf");
        java.io.File f = c.showSaveDialog(disclosureButton.getScene() == null ? null
                : disclosureButton.getScene().getWindow());
        if (f != null) {
            disclosures.export(vm.candidate().get(), f.toPath());
        }
    }

    @FXML
    void disclosureSettings() {
        disclosureSettings.show(disclosureButton.getScene() == null ? null : disclosureButton.getScene().getWindow());
    }

    @FXML
    void cancel() {
        vm.cancel();
    }

    @FXML
    void zoomIn() {
        vm.zoomIn();
    }

    @FXML
    void zoomOut() {
        vm.zoomOut();
    }

    @FXML
    void panBack() {
        vm.pan(-1);
    }

    @FXML
    void panOn() {
        vm.pan(1);
    }

    @FXML
    void showAll() {
        vm.showAll();
    }

    @FXML
    void clearFilter() {
        vm.clearFilter();
    }

    @FXML
    void openEvent() {
        vm.open(accessEventTable.getSelectionModel().getSelectedItem());
    }
}
