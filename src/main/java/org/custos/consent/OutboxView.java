package org.custos.consent;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.custos.ui.Views;

import java.io.File;
import java.util.Optional;
import java.util.function.Function;

/** The "Outbox…" window: binds the entries and the buttons to {@link OutboxViewModel}; asks before a discard. */
public final class OutboxView {
    private final OutboxViewModel vm;
    private Parent root;

    @FXML TableView<OutboxViewModel.Item> outboxTable;
    @FXML TableColumn<OutboxViewModel.Item, String> seqColumn;
    @FXML TableColumn<OutboxViewModel.Item, String> resourceColumn;
    @FXML TableColumn<OutboxViewModel.Item, String> stateColumn;
    @FXML TableColumn<OutboxViewModel.Item, String> baseColumn;
    @FXML TableColumn<OutboxViewModel.Item, String> createdColumn;
    @FXML TableColumn<OutboxViewModel.Item, String> messageColumn;
    @FXML TableColumn<OutboxViewModel.Item, String> originColumn;
    @FXML Label outboxMessage;
    @FXML Button retryButton;
    @FXML Button discardButton;
    @FXML Button sendButton;
    @FXML Button closeOutboxButton;

    public OutboxView(OutboxViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    /**
     * Shows the outbox window of {@code owner}'s window (one: a second call brings it to the front) and lists the
     * entries; {@code onClosed} runs when it closes (the list shows the outbox line again).
     */
    public static void show(OutboxViewModel vm, Node owner, Runnable onClosed) {
        Object open = owner.getProperties().get(OutboxView.class);
        if (open instanceof Stage s && s.isShowing()) {
            s.toFront();
            return;
        }
        OutboxView view = new OutboxView(vm);
        Stage stage = new Stage();
        stage.initOwner(owner.getScene() == null ? null : owner.getScene().getWindow());
        stage.setTitle("Outbox");
        Scene scene = new Scene(view.root());
        if (owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
        }
        stage.setScene(scene);
        stage.setOnHidden(e -> {
            owner.getProperties().remove(OutboxView.class);
            onClosed.run();
        });
        owner.getProperties().put(OutboxView.class, stage);
        stage.show();
        vm.refresh();
    }

    @FXML
    void initialize() {
        column(seqColumn, i -> String.valueOf(i.seq()));
        column(resourceColumn, OutboxViewModel.Item::resource);
        column(stateColumn, i -> i.state().name());
        column(baseColumn, OutboxViewModel.Item::base);
        column(createdColumn, OutboxViewModel.Item::created);
        column(messageColumn, i -> i.message() == null ? "" : i.message());
        column(originColumn, OutboxViewModel.Item::origin);
        outboxTable.setItems(vm.items());
        outboxTable.getSelectionModel().selectedItemProperty().addListener((o, before, now) -> vm.selected().set(now));
        outboxMessage.textProperty().bind(vm.message());
        retryButton.disableProperty().bind(vm.canRetry().not());
        discardButton.disableProperty().bind(vm.canDiscard().not());
        sendButton.disableProperty().bind(vm.busy());
    }

    private static void column(TableColumn<OutboxViewModel.Item, String> c,
                               Function<OutboxViewModel.Item, String> f) {
        c.setCellValueFactory(r -> new ReadOnlyStringWrapper(f.apply(r.getValue())));
    }

    @FXML
    void retry() {
        vm.retry();
    }

    @FXML
    void sendNow() {
        vm.sendNow();
    }

    @FXML
    void close() {
        root.getScene().getWindow().hide();
    }

    /** Asks: save the text first, discard without saving, or keep the entry. */
    @FXML
    void discard() {
        ButtonType save = new ButtonType("Save text and discard…", ButtonBar.ButtonData.YES);
        ButtonType drop = new ButtonType("Discard without saving", ButtonBar.ButtonData.NO);
        ButtonType keep = new ButtonType("Keep it", ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, vm.discardQuestion(), save, drop, keep);
        a.initOwner(root.getScene().getWindow());
        a.setTitle("Discard an edit");
        a.setHeaderText("Discard this edit?");
        Optional<ButtonType> answer = a.showAndWait();
        if (answer.isEmpty() || answer.get() == keep) {
            return;
        }
        if (answer.get() == drop) {
            vm.discard(null);
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the edit's text");
        chooser.setInitialFileName(vm.suggestedFileName());
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("FHIR JSON", "*.json"));
        File file = chooser.showSaveDialog(root.getScene().getWindow());
        if (file != null) {
            vm.discard(file.toPath());
        }
    }
}
