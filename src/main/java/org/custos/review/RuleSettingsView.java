package org.custos.review;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.custos.rules.Rule;
import org.custos.ui.Views;

import java.io.File;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.Locale;

/** The rules' settings and the VIP list, in a window of their own opened from the Alerts tab. */
public final class RuleSettingsView {
    private final RuleSettingsViewModel vm;
    private Parent root;
    private final org.custos.ui.ToolWindow window = new org.custos.ui.ToolWindow("Alert rules and VIP list");

    @FXML FlowPane ruleBoxes;
    @FXML HBox dayBoxes;
    @FXML TextField startField;
    @FXML TextField endField;
    @FXML TextField zoneField;
    @FXML TextField volumePatientsField;
    @FXML TextField volumeMinutesField;
    @FXML TextField failedField;
    @FXML TextField failedMinutesField;
    @FXML TextField codesField;
    @FXML Label problemLabel;
    @FXML Button ruleSaveButton;
    @FXML TextField vipField;
    @FXML TextField vipNoteField;
    @FXML Button vipAddButton;
    @FXML ListView<String> vipList;
    @FXML Label ruleMessage;

    public RuleSettingsView(RuleSettingsViewModel vm) {
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
        for (Rule r : Rule.values()) {
            CheckBox box = new CheckBox(r.id());
            box.setId("rule-" + r.id());
            box.setTooltip(new Tooltip(r.description()));
            box.selectedProperty().bindBidirectional(vm.enabled(r));
            ruleBoxes.getChildren().add(box);
        }
        for (DayOfWeek d : DayOfWeek.values()) {
            CheckBox box = new CheckBox(d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
            box.selectedProperty().bindBidirectional(vm.day(d));
            dayBoxes.getChildren().add(box);
        }
        startField.textProperty().bindBidirectional(vm.start);
        endField.textProperty().bindBidirectional(vm.end);
        zoneField.textProperty().bindBidirectional(vm.zone);
        volumePatientsField.textProperty().bindBidirectional(vm.volumePatients);
        volumeMinutesField.textProperty().bindBidirectional(vm.volumeMinutes);
        failedField.textProperty().bindBidirectional(vm.failedLogins);
        failedMinutesField.textProperty().bindBidirectional(vm.failedMinutes);
        codesField.textProperty().bindBidirectional(vm.breakGlassCodes);
        problemLabel.textProperty().bind(vm.problem());
        ruleSaveButton.disableProperty().bind(vm.busy().or(vm.problem().isNotEmpty()));
        vipField.textProperty().bindBidirectional(vm.vipReference);
        vipNoteField.textProperty().bindBidirectional(vm.vipNote);
        vipList.setItems(vm.vips());
        ruleMessage.textProperty().bind(vm.message());
    }

    /** Opens the window (one at a time), reading the kept settings. */
    public void show(Window owner) {
        vm.load();
        window.show(owner, this::root);
    }

    @FXML
    void save() {
        vm.save();
    }

    @FXML
    void export() {
        FileChooser c = chooser();
        c.setInitialFileName("custos-rules.json");
        File f = c.showSaveDialog(window.window());
        if (f != null) {
            vm.exportTo(f.toPath());
        }
    }

    @FXML
    void importFile() {
        File f = chooser().showOpenDialog(window.window());
        if (f != null) {
            vm.importFrom(f.toPath());
        }
    }

    private static FileChooser chooser() {
        FileChooser c = new FileChooser();
        c.setTitle("Alert rules settings file");
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Rule settings (JSON)", "*.json"));
        return c;
    }

    @FXML
    void addVip() {
        vm.addVip();
    }

    @FXML
    void removeVip() {
        vm.removeVip(vipList.getSelectionModel().getSelectedItem());
    }
}
