package org.custos.consent;

import javafx.fxml.FXML;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.controlsfx.control.SearchableComboBox;
import org.controlsfx.control.textfield.AutoCompletionBinding;
import org.controlsfx.control.textfield.TextFields;
import org.controlsfx.validation.Severity;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;
import org.custos.ui.Views;

import java.io.File;

/**
 * The consent editor: draws the view model's form (a grid of fields per group, a titled pane per item of a repeated
 * element, a searchable code list where a value set is known, name completion on references) and binds the tool
 * bar. The form is drawn again when its structure changes (an item added or removed, an undo).
 */
public final class ConsentEditorView {
    private final ConsentEditorViewModel vm;
    private Parent root;
    private ValidationSupport validation;

    @FXML Label editorTitle;
    @FXML Label dirtyMark;
    @FXML Label editorOrigin;
    @FXML Label editorMessage;
    @FXML Button undoButton;
    @FXML Button redoButton;
    @FXML Button validateButton;
    @FXML Button saveButton;
    @FXML Button revokeButton;
    @FXML Button reinstateButton;
    @FXML Button errorButton;
    @FXML Button attachButton;
    @FXML VBox formBox;
    @FXML javafx.scene.control.ScrollPane formScroll;
    @FXML javafx.scene.layout.StackPane meaningPane;
    @FXML ListView<ConsentEditorViewModel.Finding> findingsList;
    @FXML ListView<ConsentForm.Kept> keptList;
    @FXML javafx.scene.control.Tab problemsTab;
    @FXML javafx.scene.control.Tab keptTab;

    public ConsentEditorView(ConsentEditorViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
            root.getProperties().put(ConsentEditorView.class, this);
        }
        return root;
    }

    public ConsentEditorViewModel model() {
        return vm;
    }

    @FXML
    void initialize() {
        editorTitle.textProperty().bind(vm.title());
        editorOrigin.textProperty().bind(vm.origin());
        editorMessage.textProperty().bind(vm.message());
        dirtyMark.visibleProperty().bind(vm.dirty());
        undoButton.disableProperty().bind(vm.canUndo().not().or(vm.busy()));
        redoButton.disableProperty().bind(vm.canRedo().not().or(vm.busy()));
        for (Button b : new Button[]{validateButton, saveButton, revokeButton, reinstateButton, errorButton,
            attachButton}) {
            b.disableProperty().bind(vm.busy().or(vm.form().isNull()));
        }
        findingsList.setItems(vm.findings());
        findingsList.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(ConsentEditorViewModel.Finding f, boolean empty) {
                super.updateItem(f, empty);
                getStyleClass().removeAll(ConsentEditorViewModel.FINDING_STYLES);
                setText(empty || f == null ? null : f.toString());
                if (!empty && f != null) {
                    getStyleClass().add(ConsentEditorViewModel.styleClass(f));
                }
            }
        });
        // no typing while a check or a save runs: what is saved is what was checked
        formBox.disableProperty().bind(vm.busy());
        keptList.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(ConsentForm.Kept k, boolean empty) {
                super.updateItem(k, empty);
                setText(empty || k == null ? null : k.path() + "  " + abbreviate(k.json()));
                setTooltip(empty || k == null ? null : new Tooltip(k.json()));
            }
        });
        ConsentMeaningView meaning = new ConsentMeaningView(vm.meaning());
        meaningPane.getChildren().add(meaning.root());
        meaning.addTabs(problemsTab, keptTab);
        // the counts in the tabs' titles; a check that finds problems shows them
        problemsTab.textProperty().bind(javafx.beans.binding.Bindings.size(vm.findings()).asString("Problems (%d)"));
        keptTab.textProperty().bind(javafx.beans.binding.Bindings.size(keptList.getItems())
                .asString("Kept (%d)"));
        vm.findings().addListener((javafx.collections.ListChangeListener<ConsentEditorViewModel.Finding>) c -> {
            // errors and warnings come forward (they block or question a save); information alone does not
            if (vm.findings().stream().anyMatch(f -> f.severity() != ConsentEditorViewModel.Severity.INFORMATION)) {
                meaning.select(problemsTab);
            }
        });
        vm.form().addListener((obs, before, now) -> draw(now));
        vm.findings().addListener((javafx.collections.ListChangeListener<ConsentEditorViewModel.Finding>) c -> {
            if (validation != null) {
                validation.revalidate();
            }
        });
        draw(vm.form().get());
    }

    private static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 159) + "…" : s;
    }

    private void draw(ConsentForm form) {
        formBox.getChildren().clear();
        validation = new ValidationSupport();
        validation.setErrorDecorationEnabled(true);
        if (form == null) {
            keptList.getItems().clear();
            return;
        }
        keptList.getItems().setAll(form.kept());
        formBox.getChildren().add(grid(form.root()));
    }

    /** A group's fields in a two-column grid, its groups and lists below it. */
    private Node grid(ConsentForm.Group g) {
        VBox box = new VBox(6);
        GridPane grid = new GridPane();
        grid.setMinWidth(0);
        grid.setHgap(8);
        grid.setVgap(4);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(110);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        values.setFillWidth(true);
        grid.getColumnConstraints().addAll(labels, values);
        int row = 0;
        for (ConsentForm.Node n : g.children()) {
            if (n instanceof ConsentForm.Field f) {
                Label label = new Label(f.label() + (f.element().required() ? " *" : ""));
                styleWhen(label, "field-error", f.error());
                styleWhen(label, "field-warning", f.warning());
                styleWhen(label, "decided-rule", f.decided());
                revealWhen(label, f.decided());
                if (f.element().help() != null) {
                    label.setTooltip(new Tooltip(f.element().help()));
                }
                grid.addRow(row++, label, control(f, g));
            }
        }
        if (!grid.getChildren().isEmpty()) {
            box.getChildren().add(grid);
        }
        for (ConsentForm.Node n : g.children()) {
            if (n instanceof ConsentForm.Group child) {
                box.getChildren().add(pane(child.label(), child, child.isEmpty() && !child.element().required(), null));
            } else if (n instanceof ConsentForm.Items items) {
                box.getChildren().add(list(items));
            }
        }
        return box;
    }

    private Control control(ConsentForm.Field f, ConsentForm.Group owner) {
        Control c;
        if (!f.element().fixed().isEmpty()) {
            ComboBox<String> box = new ComboBox<>();
            box.setEditable(true);
            box.getItems().setAll(f.element().fixed());
            box.valueProperty().bindBidirectional(f.value());
            box.setMaxWidth(Double.MAX_VALUE);
            c = box;
        } else {
            TextField t = new TextField();
            t.textProperty().bindBidirectional(f.value());
            t.setPromptText(switch (f.element().kind()) {
                case DATE_TIME -> "YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz";
                case URI -> "http://…";
                case INTEGER -> "a whole number";
                default -> "";
            });
            if (owner.element().children().size() == 2 && owner.child("reference") == f) {
                completeNames(t, owner);
                t.setPromptText("Type a name, identifier or Patient/123");
            }
            c = t;
        }
        c.setId(f.path());
        c.setMinWidth(80);
        if (f.element().help() != null) {
            c.setTooltip(new Tooltip(f.element().help()));
        }
        mark(c, f);
        return c;
    }

    private void completeNames(TextField t, ConsentForm.Group reference) {
        AutoCompletionBinding<ConsentEditorViewModel.Suggestion> b = TextFields.bindAutoCompletion(t,
                request -> vm.suggest(request.getUserText()), new javafx.util.StringConverter<>() {
                    @Override
                    public String toString(ConsentEditorViewModel.Suggestion s) {
                        return s == null ? "" : s.toString();
                    }

                    @Override
                    public ConsentEditorViewModel.Suggestion fromString(String s) {
                        return null;
                    }
                });
        b.setOnAutoCompleted(e -> vm.pickReference(reference, e.getCompletion()));
        b.setPrefWidth(480);
        b.setVisibleRowCount(10);
    }

    private void mark(Control c, ConsentForm.Node n) {
        validation.registerValidator(c, false, (Control control, Object value) -> ValidationResult.fromMessageIf(
                control, n.problem().get(), n.error().get() ? Severity.ERROR : Severity.WARNING,
                !n.problem().get().isEmpty()));
    }

    /** Gives {@code node} the style class while {@code on} holds. */
    private static void styleWhen(Node node, String styleClass, javafx.beans.value.ObservableBooleanValue on) {
        Runnable apply = () -> {
            node.getStyleClass().remove(styleClass);
            if (on.get()) {
                node.getStyleClass().add(styleClass);
            }
        };
        apply.run();
        on.addListener((o, a, b) -> apply.run());
    }

    /** Scrolls the form to {@code node} (expanding the panes around it) when {@code on} becomes true. */
    private void revealWhen(Node node, javafx.beans.value.ObservableBooleanValue on) {
        on.addListener((o, a, now) -> {
            if (now) {
                javafx.application.Platform.runLater(() -> reveal(node));
            }
        });
    }

    private void reveal(Node node) {
        for (Node n = node.getParent(); n != null && n != formBox; n = n.getParent()) {
            if (n instanceof TitledPane t) {
                t.setExpanded(true);
            }
        }
        formScroll.layout();
        double content = formBox.getBoundsInLocal().getHeight();
        double viewport = formScroll.getViewportBounds().getHeight();
        double y = formBox.sceneToLocal(node.localToScene(node.getBoundsInLocal())).getMinY();
        formScroll.setVvalue(content <= viewport ? 0 : Math.max(0, Math.min(1, (y - 8) / (content - viewport))));
    }

    private TitledPane pane(String title, ConsentForm.Group g, boolean collapsed, Button remove) {
        TitledPane p = new TitledPane();
        String summary = g.summary();
        p.setText(summary.isEmpty() ? title : title + ":  " + summary);
        Node content = grid(g);
        p.setContent(content);
        p.setExpanded(!collapsed);
        p.setMinWidth(0);
        p.setMaxWidth(Double.MAX_VALUE);
        p.setAnimated(false);
        if (remove != null) {
            p.setGraphic(remove);
        }
        styleWhen(p, "decided-rule", g.decided());
        revealWhen(p, g.decided());
        Label problem = new Label();
        problem.textProperty().bind(g.problem());
        problem.getStyleClass().add("field-problem");
        styleWhen(problem, "field-warning", g.warning());
        problem.visibleProperty().bind(g.problem().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        ((VBox) content).getChildren().add(0, problem);
        return p;
    }

    private Node list(ConsentForm.Items items) {
        VBox box = new VBox(4);
        HBox head = new HBox(8);
        head.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        Label title = new Label(items.label() + (items.items().isEmpty() ? "" : " (" + items.items().size() + ")"));
        title.getStyleClass().add("section-title");
        if (items.element().help() != null) {
            title.setTooltip(new Tooltip(items.element().help()));
        }
        Button add = new Button("Add");
        add.setId("add:" + items.path());
        add.setOnAction(e -> items.add());
        head.getChildren().addAll(title, add);
        if (items.element().valueSet() != null) {
            SearchableComboBox<ConsentCodes.Choice> codes = new SearchableComboBox<>();
            codes.getItems().setAll(vm.codes(items.element().valueSet()));
            codes.setPromptText("Add a code…");
            codes.setPrefWidth(320);
            codes.valueProperty().addListener((obs, before, now) -> {
                if (now != null) {
                    items.add(now);
                }
            });
            head.getChildren().add(codes);
        }
        box.getChildren().add(head);
        int i = 1;
        for (ConsentForm.Group item : items.items()) {
            Button remove = new Button("Remove");
            remove.getStyleClass().add("small");
            remove.setOnAction(e -> items.remove(item));
            box.getChildren().add(pane(items.label() + " " + i++, item, false, remove));
        }
        box.setPadding(new Insets(2, 0, 2, 0));
        return box;
    }

    @FXML
    void undo() {
        vm.undo();
    }

    @FXML
    void redo() {
        vm.redo();
    }

    @FXML
    void validate() {
        vm.validate();
    }

    @FXML
    void save() {
        vm.save();
    }

    @FXML
    void revoke() {
        vm.revoke();
    }

    @FXML
    void reinstate() {
        vm.reinstate();
    }

    @FXML
    void enteredInError() {
        vm.enteredInError();
    }

    @FXML
    void attach() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Attach the signed source document");
        Window w = root.getScene() == null ? null : root.getScene().getWindow();
        File f = chooser.showOpenDialog(w);
        if (f != null) {
            vm.attachFile(f.toPath());
        }
    }
}
