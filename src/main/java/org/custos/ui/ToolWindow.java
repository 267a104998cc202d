package org.custos.ui;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.util.function.Supplier;

/**
 * A view shown in a window of its own, owned by the main window: made on first use (with the owner's stylesheets),
 * later calls bring it forward. One per view.
 */
public final class ToolWindow {
    private final String title;
    private Stage stage;

    public ToolWindow(String title) {
        this.title = title;
    }

    /** Shows {@code root} (asked for the first time only) owned by {@code owner}, in front. */
    public void show(Window owner, Supplier<Parent> root) {
        if (stage == null) {
            stage = new Stage();
            stage.setTitle(title);
            stage.initOwner(owner);
            Scene scene = new Scene(root.get());
            if (owner != null && owner.getScene() != null) {
                scene.getStylesheets().setAll(owner.getScene().getStylesheets());
            }
            stage.setScene(scene);
        }
        stage.show();
        stage.toFront();
    }

    /** Hides the window (shown again by {@link #show}). */
    public void hide() {
        if (stage != null) {
            stage.hide();
        }
    }

    /** The window once shown (dialogs it opens are owned by it); null before. */
    public Window window() {
        return stage;
    }
}
