package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The editor's undo and redo: copies of the document (with which of its nodes the editor made) taken before each
 * change. The editor says when a change starts ({@link #push}) and what the document is after it ({@link #now}).
 */
final class UndoHistory {
    /** A copy of the document and of the nodes in it the editor made (by identity). */
    record Snapshot(JsonNode tree, Set<JsonNode> made) {
        static Snapshot of(JsonNode tree, Set<JsonNode> made) {
            Set<JsonNode> m = ConsentForm.identitySet();
            return new Snapshot(ConsentForm.copy(tree, made, m), m);
        }

        /** A fresh copy to work on (the snapshot itself stays as it was). */
        Snapshot copy() {
            return of(tree, made);
        }
    }

    private final Deque<Snapshot> undo = new ArrayDeque<>();
    private final Deque<Snapshot> redo = new ArrayDeque<>();
    private Snapshot current;

    /** Starts over from {@code now}: nothing to undo or redo. */
    void reset(Snapshot now) {
        undo.clear();
        redo.clear();
        current = now;
    }

    /** The document as it is now (after an edit). */
    void now(Snapshot s) {
        current = s;
    }

    /** A change starts: the document as it was can be gone back to; what was undone can no longer be redone. */
    void push() {
        undo.push(current);
        redo.clear();
    }

    /** The document to go back to (null: nothing to undo); the present one can be redone. */
    Snapshot undo() {
        if (undo.isEmpty()) {
            return null;
        }
        redo.push(current);
        return undo.pop();
    }

    /** The document to go forward to again (null: nothing to redo). */
    Snapshot redo() {
        if (redo.isEmpty()) {
            return null;
        }
        undo.push(current);
        return redo.pop();
    }

    boolean canUndo() {
        return !undo.isEmpty();
    }

    boolean canRedo() {
        return !redo.isEmpty();
    }
}
