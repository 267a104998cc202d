package org.custos.provenance;

import javafx.collections.FXCollections;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.controlsfx.validation.ValidationSupport;
import org.controlsfx.validation.Validator;
import org.custos.ui.Views;

import java.io.File;

/** The "Sign a resource" window: fields bound to the view model, required ones marked (ControlsFX validation). */
public final class ProvenanceSignView {
    private final ProvenanceSignViewModel vm;
    private Parent root;
    private final org.custos.ui.ToolWindow window = new org.custos.ui.ToolWindow("Sign a resource");

    @FXML TextField resourceField;
    @FXML ComboBox<String> originBox;
    @FXML TextField whoField;
    @FXML ComboBox<ProvenanceSigner.Purpose> purposeBox;
    @FXML ComboBox<ProvenanceSigner.Format> formatBox;
    @FXML TextField keyField;
    @FXML TextField certField;
    @FXML PasswordField passwordField;
    @FXML Label signMessage;
    @FXML Button signNowButton;

    public ProvenanceSignView(ProvenanceSignViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        resourceField.textProperty().bindBidirectional(vm.resource);
        originBox.setItems(vm.origins());
        originBox.valueProperty().bindBidirectional(vm.origin);
        whoField.textProperty().bindBidirectional(vm.who);
        purposeBox.setItems(FXCollections.observableArrayList(ProvenanceSigner.Purpose.values()));
        purposeBox.valueProperty().bindBidirectional(vm.purpose);
        formatBox.setItems(FXCollections.observableArrayList(ProvenanceSigner.Format.values()));
        formatBox.valueProperty().bindBidirectional(vm.format);
        keyField.textProperty().bindBidirectional(vm.keyFile);
        certField.textProperty().bindBidirectional(vm.certFile);
        signMessage.textProperty().bind(vm.message());
        signNowButton.disableProperty().bind(vm.canSign().not());
        ValidationSupport validation = new ValidationSupport();
        validation.registerValidator(resourceField, Validator.createEmptyValidator("The resource to sign, as Type/id"));
        validation.registerValidator(whoField, Validator.createEmptyValidator("Who signs"));
        validation.registerValidator(keyField, Validator.createEmptyValidator("The private key file"));
    }

    /** Opens the window (once; later calls bring it forward). */
    public void show(Window owner) {
        window.show(owner, this::root);
    }

    @FXML
    void chooseKey() {
        File f = choose("The private key", "*.pem", "*.key", "*.p12", "*.pfx");
        if (f != null) {
            vm.keyFile.set(f.toString());
        }
    }

    @FXML
    void chooseCert() {
        File f = choose("The certificate chain", "*.pem", "*.crt", "*.cer", "*.der");
        if (f != null) {
            vm.certFile.set(f.toString());
        }
    }

    private File choose(String title, String... patterns) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(title, patterns),
                new FileChooser.ExtensionFilter("All files", "*"));
        return chooser.showOpenDialog(window.window());
    }

    @FXML
    void sign() {
        char[] pw = passwordField.getText().toCharArray();
        passwordField.clear();
        vm.sign(pw.length == 0 ? null : pw);
    }

    @FXML
    void close() {
        window.hide();
    }
}
