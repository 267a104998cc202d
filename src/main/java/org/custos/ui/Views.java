package org.custos.ui;

import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;

/** Loads a view's FXML, which shares the controller class's name and package, with that controller instance. */
public final class Views {
    private Views() {
    }

    public static Parent load(Object controller) {
        Class<?> type = controller.getClass();
        URL fxml = type.getResource(type.getSimpleName() + ".fxml");
        if (fxml == null) {
            throw new IllegalStateException("No " + type.getSimpleName() + ".fxml beside " + type.getName());
        }
        FXMLLoader loader = new FXMLLoader(fxml);
        loader.setControllerFactory(c -> {
            if (c.isInstance(controller)) {
                return controller;
            }
            throw new IllegalStateException(fxml + " asks for controller " + c.getName());
        });
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + fxml, e);
        }
    }
}
