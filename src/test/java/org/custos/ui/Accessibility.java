package org.custos.ui;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Control;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollBar;

import java.util.ArrayList;
import java.util.List;

/** What a screen reader would find unnamed: the tests of the patient screens ask for none (call on the FX thread). */
public final class Accessibility {
    private Accessibility() {
    }

    /** Every Control in the scene graph under {@code n}. */
    public static List<Control> controls(Node n) {
        List<Control> out = new ArrayList<>();
        if (n instanceof Control c) {
            out.add(c);
        }
        if (n instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                out.addAll(controls(child));
            }
        }
        return out;
    }

    /**
     * The visible controls under {@code root} with no name for a screen reader: no accessible text of their own and
     * no text (skin parts left aside: scroll bars, list rows not in use).
     */
    public static List<Control> unnamed(Node root) {
        return controls(root).stream().filter(c -> {
            boolean named = c.getAccessibleText() != null && !c.getAccessibleText().isBlank();
            named |= c instanceof Labeled l && l.getText() != null && !l.getText().isBlank();
            boolean skinPart = c instanceof ScrollBar || c instanceof IndexedCell<?> cell && cell.isEmpty();
            return !named && visible(c) && !skinPart;
        }).toList();
    }

    private static boolean visible(Node n) {
        for (Node x = n; x != null; x = x.getParent()) {
            if (!x.isVisible()) {
                return false;
            }
        }
        return true;
    }
}
