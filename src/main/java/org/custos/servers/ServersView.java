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
    @FXML TextField profilePatientField;
    @FXML Label insecureLabel;
    @FXML TextField pageSizeField;
    @FXML TextField timeoutField;
    @FXML TextField cacheDaysField;
    @FXML TextField everyField;
    @FXML Button saveButton;
    @FXML javafx.scene.layout.VBox cacheBox;
    @FXML CheckBox encryptCheck;
    @FXML Button saveLocalButton;
    @FXML Label encryptionLabel;
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
        bindCacheProtection();
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
        nameField.textProperty().bindBidirectional(vm.form().nameProperty());
        urlField.textProperty().bindBidirectional(vm.form().baseUrlProperty());
        authChoice.getItems().setAll(ProfileForm.AUTH_CHOICES);
        authChoice.valueProperty().bindBidirectional(vm.form().authProperty());
        userField.textProperty().bindBidirectional(vm.form().userProperty());
        secretField.textProperty().bindBidirectional(vm.form().secretProperty());
        userField.disableProperty().bind(vm.form().needsUserProperty().not());
        secretField.disableProperty().bind(vm.form().needsSecretProperty().not());
        smartBox.visibleProperty().bind(vm.form().smartProperty());
        smartBox.managedProperty().bind(vm.form().smartProperty());
        clientIdField.textProperty().bindBidirectional(vm.form().clientIdProperty());
        scopesField.textProperty().bindBidirectional(vm.form().scopesProperty());
        SignInModel signIn = vm.signInModel();
        signInButton.disableProperty().bind(signIn.signingInProperty());
        cancelSignInButton.disableProperty().bind(signIn.signingInProperty().not());
        // also without a session in memory: a sign-in kept in the keyring is forgotten too
        signOutButton.disableProperty().bind(signIn.signingInProperty());
        signInLabel.textProperty().bind(signIn.statusProperty());
        copyAddressLink.visibleProperty().bind(signIn.addressProperty().isNotEmpty());
        copyAddressLink.managedProperty().bind(copyAddressLink.visibleProperty());
        secretField.promptTextProperty().bind(javafx.beans.binding.Bindings.when(vm.form().smartProperty())
                .then("client secret (if confidential)").otherwise("password or token"));
        caFileField.textProperty().bindBidirectional(vm.form().caFileProperty());
        clientCertField.textProperty().bindBidirectional(vm.form().clientCertProperty());
        clientCertPasswordField.textProperty().bindBidirectional(vm.form().clientCertPasswordProperty());
        clientCertPasswordField.disableProperty().bind(vm.form().clientCertProperty().isEmpty());
        auditCheck.selectedProperty().bindBidirectional(vm.form().syncAuditProperty());
        consentCheck.selectedProperty().bindBidirectional(vm.form().syncConsentProperty());
        provenanceCheck.selectedProperty().bindBidirectional(vm.form().syncProvenanceProperty());
        patientCheck.selectedProperty().bindBidirectional(vm.form().syncTypeProperty("Patient"));
        practitionerCheck.selectedProperty().bindBidirectional(vm.form().syncTypeProperty("Practitioner"));
        organizationCheck.selectedProperty().bindBidirectional(vm.form().syncTypeProperty("Organization"));
        relatedPersonCheck.selectedProperty().bindBidirectional(vm.form().syncTypeProperty("RelatedPerson"));
        insecureCheck.selectedProperty().bindBidirectional(vm.form().allowInsecureProperty());
        sendTrailCheck.selectedProperty().bindBidirectional(vm.form().sendTrailProperty());
        profilePatientField.textProperty().bindBidirectional(vm.form().patientProperty());
        insecureLabel.textProperty().bind(vm.form().insecureWarningProperty());
        insecureLabel.visibleProperty().bind(vm.form().allowInsecureProperty());
        insecureLabel.managedProperty().bind(vm.form().allowInsecureProperty());
        pageSizeField.textProperty().bindBidirectional(vm.form().pageSizeProperty());
        timeoutField.textProperty().bindBidirectional(vm.form().timeoutSecondsProperty());
        cacheDaysField.textProperty().bindBidirectional(vm.form().cacheDaysProperty());
        everyField.textProperty().bindBidirectional(vm.form().everyMinutesProperty());
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
    void toggleEncryption() {
        CacheProtectionModel cp = vm.cacheProtection();
        cp.toggled(encryptCheck.isSelected(), () -> {
            java.io.File f = localDataChooser("Before encrypting: save what only this cache holds")
                    .showSaveDialog(root.getScene().getWindow());
            return f == null ? null : f.toPath();
        });
        encryptCheck.setSelected(cp.encryptProperty().get()); // the model says when it changed
    }

    @FXML
    void saveLocal() {
        java.io.File f = localDataChooser("Save what only this cache holds")
                .showSaveDialog(root.getScene().getWindow());
        if (f != null) {
            vm.cacheProtection().saveLocal(f.toPath());
        }
    }

    private static javafx.stage.FileChooser localDataChooser(String title) {
        javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
        fc.setTitle(title);
        fc.setInitialFileName("custos-local-data-" + java.time.LocalDate.now() + ".json");
        fc.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("JSON", "*.json"));
        return fc;
    }

    private void bindCacheProtection() {
        CacheProtectionModel cp = vm.cacheProtection();
        cacheBox.setVisible(cp != null);
        cacheBox.setManaged(cp != null);
        if (cp == null) {
            return;
        }
        encryptCheck.setSelected(cp.encryptProperty().get());
        cp.encryptProperty().addListener((o, was, is) -> encryptCheck.setSelected(is));
        encryptCheck.disableProperty().bind(cp.availableProperty().not().or(cp.busyProperty()));
        saveLocalButton.disableProperty().bind(cp.busyProperty());
        encryptionLabel.textProperty().bind(cp.statusProperty());
    }

    @FXML
    void chooseCaFile() {
        choose("CA certificate", vm.form().caFileProperty(), "*.pem", "*.crt", "*.cer", "*.der");
    }

    @FXML
    void chooseClientCert() {
        choose("Client certificate (PKCS#12)", vm.form().clientCertProperty(), "*.p12", "*.pfx");
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
