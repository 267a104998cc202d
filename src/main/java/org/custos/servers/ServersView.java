package org.custos.servers;

import javafx.beans.value.ObservableValue;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.custos.ui.Views;

import java.util.function.Function;

/** The Servers tab: binds the profile editor and the sync panel to {@link ServersViewModel}. */
public final class ServersView {
    private final ServersViewModel vm;
    private Parent root;

    @FXML ListView<String> profileList;
    @FXML Button newButton;
    @FXML Button deleteButton;
    @FXML TextField nameField;
    @FXML TextField urlField;
    @FXML ChoiceBox<String> authChoice;
    @FXML TextField userField;
    @FXML PasswordField secretField;
    @FXML javafx.scene.layout.VBox smartBox;
    @FXML TextField clientIdField;
    @FXML TextField scopesField;
    @FXML Button signInButton;
    @FXML Button cancelSignInButton;
    @FXML Button signOutButton;
    @FXML Label signInLabel;
    @FXML javafx.scene.control.Hyperlink copyAddressLink;
    @FXML TextField caFileField;
    @FXML TextField clientCertField;
    @FXML PasswordField clientCertPasswordField;
    @FXML CheckBox auditCheck;
    @FXML CheckBox consentCheck;
    @FXML CheckBox provenanceCheck;
    @FXML CheckBox patientCheck;
    @FXML CheckBox practitionerCheck;
    @FXML CheckBox organizationCheck;
    @FXML CheckBox relatedPersonCheck;
    @FXML CheckBox insecureCheck;
    @FXML CheckBox sendTrailCheck;
    @FXML Label insecureLabel;
    @FXML TextField pageSizeField;
    @FXML TextField timeoutField;
    @FXML TextField cacheDaysField;
    @FXML TextField everyField;
    @FXML Button saveButton;
    @FXML Button testButton;
    @FXML Button syncButton;
    @FXML Button cancelSyncButton;
    @FXML Label checkLabel;
    @FXML TableView<TypeRow> typeTable;
    @FXML TableColumn<TypeRow, String> typeColumn;
    @FXML TableColumn<TypeRow, Number> barColumn;
    @FXML TableColumn<TypeRow, String> progressColumn;
    @FXML TableColumn<TypeRow, String> rateColumn;
    @FXML TableColumn<TypeRow, String> etaColumn;
    @FXML TableColumn<TypeRow, String> lastColumn;
    @FXML Label messageLabel;

    public ServersView(ServersViewModel vm) {
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
        profileList.setItems(vm.profileNames());
        profileList.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.selectedProperty().set(b);
            }
        });
        // the names listed again (after a save or sign-in): the selected one stays marked
        vm.profileNames().addListener((javafx.collections.ListChangeListener<String>) c -> {
            String sel = vm.selectedProperty().get();
            if (sel != null && vm.profileNames().contains(sel)) {
                profileList.getSelectionModel().select(sel);
            }
        });
        vm.selectedProperty().addListener((o, a, b) -> {
            if (b == null) {
                profileList.getSelectionModel().clearSelection();
            } else {
                profileList.getSelectionModel().select(b);
            }
        });
        nameField.textProperty().bindBidirectional(vm.nameProperty());
        urlField.textProperty().bindBidirectional(vm.baseUrlProperty());
        authChoice.getItems().setAll(ServersViewModel.AUTH_CHOICES);
        authChoice.valueProperty().bindBidirectional(vm.authProperty());
        userField.textProperty().bindBidirectional(vm.userProperty());
        secretField.textProperty().bindBidirectional(vm.secretProperty());
        userField.disableProperty().bind(vm.needsUserProperty().not());
        secretField.disableProperty().bind(vm.needsSecretProperty().not());
        smartBox.visibleProperty().bind(vm.smartProperty());
        smartBox.managedProperty().bind(vm.smartProperty());
        clientIdField.textProperty().bindBidirectional(vm.clientIdProperty());
        scopesField.textProperty().bindBidirectional(vm.scopesProperty());
        SignInModel signIn = vm.signInModel();
        signInButton.disableProperty().bind(signIn.signingInProperty());
        cancelSignInButton.disableProperty().bind(signIn.signingInProperty().not());
        // also without a session in memory: a sign-in kept in the keyring is forgotten too
        signOutButton.disableProperty().bind(signIn.signingInProperty());
        signInLabel.textProperty().bind(signIn.statusProperty());
        copyAddressLink.visibleProperty().bind(signIn.addressProperty().isNotEmpty());
        copyAddressLink.managedProperty().bind(copyAddressLink.visibleProperty());
        secretField.promptTextProperty().bind(javafx.beans.binding.Bindings.when(vm.smartProperty())
                .then("client secret (confidential clients only)").otherwise("password or token"));
        caFileField.textProperty().bindBidirectional(vm.caFileProperty());
        clientCertField.textProperty().bindBidirectional(vm.clientCertProperty());
        clientCertPasswordField.textProperty().bindBidirectional(vm.clientCertPasswordProperty());
        clientCertPasswordField.disableProperty().bind(vm.clientCertProperty().isEmpty());
        auditCheck.selectedProperty().bindBidirectional(vm.syncAuditProperty());
        consentCheck.selectedProperty().bindBidirectional(vm.syncConsentProperty());
        provenanceCheck.selectedProperty().bindBidirectional(vm.syncProvenanceProperty());
        patientCheck.selectedProperty().bindBidirectional(vm.syncTypeProperty("Patient"));
        practitionerCheck.selectedProperty().bindBidirectional(vm.syncTypeProperty("Practitioner"));
        organizationCheck.selectedProperty().bindBidirectional(vm.syncTypeProperty("Organization"));
        relatedPersonCheck.selectedProperty().bindBidirectional(vm.syncTypeProperty("RelatedPerson"));
        insecureCheck.selectedProperty().bindBidirectional(vm.allowInsecureProperty());
        sendTrailCheck.selectedProperty().bindBidirectional(vm.sendTrailProperty());
        insecureLabel.textProperty().bind(vm.insecureWarningProperty());
        insecureLabel.visibleProperty().bind(vm.allowInsecureProperty());
        insecureLabel.managedProperty().bind(vm.allowInsecureProperty());
        pageSizeField.textProperty().bindBidirectional(vm.pageSizeProperty());
        timeoutField.textProperty().bindBidirectional(vm.timeoutSecondsProperty());
        cacheDaysField.textProperty().bindBidirectional(vm.cacheDaysProperty());
        everyField.textProperty().bindBidirectional(vm.everyMinutesProperty());
        deleteButton.disableProperty().bind(vm.selectedProperty().isNull());
        testButton.disableProperty().bind(vm.checkingProperty());
        syncButton.disableProperty().bind(vm.syncingProperty());
        cancelSyncButton.disableProperty().bind(vm.syncingProperty().not());
        checkLabel.textProperty().bind(vm.checkResultProperty());
        messageLabel.textProperty().bind(vm.messageProperty());
        typeTable.setItems(vm.types());
        column(typeColumn, r -> new ReadOnlyStringWrapper(r.type()));
        column(progressColumn, TypeRow::progressProperty);
        column(rateColumn, TypeRow::rateProperty);
        column(etaColumn, TypeRow::etaProperty);
        column(lastColumn, TypeRow::lastProperty);
        lastColumn.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty ? null : v);
                TypeRow row = empty || getTableRow() == null ? null : getTableRow().getItem();
                setTooltip(row == null || row.lastDetailProperty().get().isEmpty() ? null
                        : new javafx.scene.control.Tooltip(row.lastDetailProperty().get()));
            }
        });
        barColumn.setCellValueFactory(cd -> cd.getValue().fractionProperty());
        barColumn.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar();

            @Override
            protected void updateItem(Number v, boolean empty) {
                super.updateItem(v, empty);
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.setProgress(v == null ? 0 : v.doubleValue());
                setGraphic(empty ? null : bar);
            }
        });
    }

    private static <T> void column(TableColumn<TypeRow, T> c, Function<TypeRow, ObservableValue<T>> f) {
        c.setCellValueFactory(cd -> f.apply(cd.getValue()));
    }

    @FXML
    void newProfile() {
        vm.newProfile();
    }

    @FXML
    void delete() {
        vm.delete();
    }

    @FXML
    void save() {
        vm.save();
    }

    @FXML
    void testConnection() {
        vm.testConnection();
    }

    @FXML
    void sync() {
        vm.sync();
    }

    @FXML
    void signIn() {
        vm.signIn();
    }

    @FXML
    void cancelSignIn() {
        vm.signInModel().cancel();
    }

    @FXML
    void chooseCaFile() {
        choose("CA certificate", vm.caFileProperty(), "*.pem", "*.crt", "*.cer", "*.der");
    }

    @FXML
    void chooseClientCert() {
        choose("Client certificate (PKCS#12)", vm.clientCertProperty(), "*.p12", "*.pfx");
    }

    private void choose(String what, javafx.beans.property.StringProperty into, String... patterns) {
        javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
        fc.setTitle(what);
        fc.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter(what, patterns),
                new javafx.stage.FileChooser.ExtensionFilter("All files", "*"));
        java.io.File f = fc.showOpenDialog(root.getScene().getWindow());
        if (f != null) {
            into.set(f.getAbsolutePath());
        }
    }

    @FXML
    void copyAddress() {
        javafx.scene.input.ClipboardContent c = new javafx.scene.input.ClipboardContent();
        c.putString(vm.signInModel().addressProperty().get());
        javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
    }

    @FXML
    void signOut() {
        vm.signOut();
    }

    @FXML
    void cancelSync() {
        vm.cancelSync();
    }
}
