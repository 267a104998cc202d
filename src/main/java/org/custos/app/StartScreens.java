package org.custos.app;

import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.VBox;

/** The screens the app shows before (or instead of) a window: waiting, the lost cache key, a start that failed. */
final class StartScreens {
    private StartScreens() {
    }

    static Parent waiting(String text) {
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setMaxSize(48, 48);
        Label label = new Label(text);
        label.setId(WAITING_TEXT);
        label.setWrapText(true);
        label.setMaxWidth(900);
        label.setAlignment(Pos.CENTER); // centred under the spinner, as the lines closing may add below it
        label.setTextAlignment(javafx.scene.text.TextAlignment.CENTER);
        VBox box = new VBox(16, spinner, label);
        box.setId("start-waiting");
        box.setAlignment(Pos.CENTER);
        return box;
    }

    private static final String WAITING_TEXT = "start-waiting-text";

    /**
     * Says {@code text} on the waiting screen {@code scene} shows, from any thread (what a long opening is doing:
     * encrypting, compacting); nothing when the scene shows something else by then.
     */
    static void say(javafx.scene.Scene scene, String text) {
        say(scene, text, () -> true);
    }

    /** {@link #say(javafx.scene.Scene, String)}, if {@code still} holds then (checked on the FX thread). */
    static void say(javafx.scene.Scene scene, String text, java.util.function.BooleanSupplier still) {
        Platform.runLater(() -> {
            if (still.getAsBoolean() && scene.getRoot() != null && scene.getRoot().lookup("#" + WAITING_TEXT) instanceof Label label) {
                label.setText(text);
            }
        });
    }

    /**
     * The cache is encrypted and its key is not in the keyring: say so, and offer to set the unreadable file aside
     * (kept, should the key turn up) and start a new cache that syncs again from the servers.
     */
    static Parent lostKey(Throwable error, String saved, java.util.function.Consumer<Boolean> again) {
        Label title = new Label("The cache cannot be read without its key");
        title.getStyleClass().add("title-3");
        Label text = new Label(error.getMessage() + "\n\nIf the keyring is only locked, unlock it and try again. Or "
                + "Custos can set this file aside (it is kept, and opens again "
                + "should the key be found) and start a new cache: sync your servers again to fill it. What existed "
                + "only in the cache (unsent edits, investigations and notes, rules) is in the local-only data you "
                + "saved" + (saved == null ? " (none was saved on this computer)." : ": " + saved + "."));
        text.setWrapText(true);
        text.setMaxWidth(640);
        Button fresh = new Button("Set it aside and start a new cache");
        fresh.setDefaultButton(true);
        fresh.setOnAction(e -> again.accept(true));
        Button retry = new Button("Try again");
        retry.setOnAction(e -> again.accept(false));
        Button quit = new Button("Quit");
        quit.setOnAction(e -> Platform.exit());
        javafx.scene.layout.HBox buttons = new javafx.scene.layout.HBox(10, retry, fresh, quit);
        buttons.setAlignment(Pos.CENTER);
        VBox box = new VBox(16, title, text, buttons);
        box.setAlignment(Pos.CENTER);
        return box;
    }

    static Parent failure(Throwable error) {
        Label title = new Label("Custos cannot start");
        title.getStyleClass().add("title-3");
        Label text = new Label(error.getMessage() == null ? error.toString() : error.getMessage());
        text.setWrapText(true);
        text.setMaxWidth(640);
        Button quit = new Button("Quit");
        quit.setOnAction(e -> Platform.exit());
        VBox box = new VBox(16, title, text, quit);
        box.setAlignment(Pos.CENTER);
        return box;
    }
}
