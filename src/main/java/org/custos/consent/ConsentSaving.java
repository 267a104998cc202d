package org.custos.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.consent.ConsentEditorViewModel.Outcome;
import org.custos.ui.TaskRunner;

/**
 * Saving one editor's consent and settling a conflict: the version the edit goes on top of, the outbox entry of an
 * earlier save it is chained to, the store, and what each outcome and each choice on the conflict screen means for
 * the editor (which it is told through {@link Editor}).
 */
final class ConsentSaving {
    /** What saving needs of the editor it works for. */
    interface Editor {
        String origin();

        String id();

        void busy(boolean on);

        void say(String message);

        /** Shows {@code doc} as it is stored (nothing to save). */
        void load(ObjectNode doc);

        /** What is shown is kept (stored, or waiting in the outbox): nothing left to save. */
        void kept();

        /** What is shown is not on the server: unsaved work. */
        void unsaved();

        /** Shows {@code edited} as a change on top of what is shown (it can be undone). */
        void edit(ObjectNode edited);

        /** Validates, then saves through {@link ConsentSaving#save}. */
        void save();

        /** A save met another version on the server: the conflict and its screen (both null once chosen). */
        void conflict(Outcome.Conflict c, ConsentConflictViewModel screen);
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final ConsentEditorViewModel.Store store;
    private final TaskRunner tasks;
    private final Editor editor;
    /** The version the edit started from (null: a new consent). */
    private String baseVersion;
    /** The outbox entry of this editor's last save while it waits (or since it was sent), or null. */
    private Long queuedSeq;

    ConsentSaving(ConsentEditorViewModel.Store store, TaskRunner tasks, Editor editor) {
        this.store = store;
        this.tasks = tasks;
        this.editor = editor;
    }

    String baseVersion() {
        return baseVersion;
    }

    void baseVersion(String v) {
        baseVersion = v;
    }

    Long queuedSeq() {
        return queuedSeq;
    }

    /** The next save goes on top of outbox entry {@code seq} (an edit of this consent that waits to be sent). */
    void chainOn(Long seq) {
        queuedSeq = seq;
    }

    /** Saves {@code text} (checked already) to the editor's origin, on top of the base version or the queued entry. */
    void save(String text) {
        String id = editor.id();
        String target = editor.origin();
        String base = baseVersion;
        Long after = queuedSeq;
        editor.busy(true);
        editor.say("Saving to " + target + "…");
        tasks.submit("Saving the consent", p -> store.save(target, id, base, after, text), outcome -> {
            editor.busy(false);
            if (outcome instanceof Outcome.Stored s) {
                queuedSeq = null;
                try {
                    editor.load((ObjectNode) mapper.readTree(s.json()));
                } catch (JsonProcessingException | ClassCastException e) {
                    editor.kept();
                }
                baseVersion = s.versionId();
                editor.say("Saved: version " + s.versionId() + " on " + target);
            } else if (outcome instanceof Outcome.Queued q) {
                queuedSeq = q.seq();
                editor.kept();
                editor.say("Pending: kept in the outbox, sent when " + target + " can be reached (" + q.reason()
                        + ")");
            } else if (outcome instanceof Outcome.Conflict c) {
                showConflict(c);
            }
        }, t -> {
            editor.busy(false);
            editor.say("Not saved: " + t.getMessage());
        });
    }

    /** Offers the conflict screen; the user's choice there is settled by {@link #settle}. */
    void showConflict(Outcome.Conflict c) {
        // what the user chooses next goes on top of the server's version and settles the outbox entry holding the
        // text shown as "mine" (named by its seq: the saver settles a stuck entry only for a save that names it)
        queuedSeq = c.seq();
        ConsentConflictViewModel screen = new ConsentConflictViewModel(c.mine(), c.theirs(), c.theirsVersion());
        screen.choice().addListener((obs, before, choice) -> {
            editor.conflict(c, null);
            if (choice != null) {
                settle(choice);
            }
        });
        editor.conflict(c, screen);
        editor.say(c.theirs() == null ? "Not saved: the server's copy could not be read (deleted there, or the read "
                + "failed): re-create yours or drop it"
                : "Not saved: the server holds a newer version (" + c.theirsVersion() + ")");
    }

    /**
     * The user chose on the conflict screen: the server's version (the edit is dropped, the outbox entry too), or a
     * text to save on top of the server's version (saved at once, with If-Match on the server's version).
     */
    void settle(ConsentConflictViewModel.Choice choice) {
        editor.conflict(null, null);
        if (!choice.serverKnown()) {
            settleWithoutServer(choice);
            return;
        }
        try {
            ObjectNode server = (ObjectNode) mapper.readTree(choice.serverJson());
            if (choice.toSave() == null) {
                // shown and announced only once the edit is discarded: the discard can be refused (a send did not
                // end in time, or the edit reached the server meanwhile); then the user's text stays, unsaved
                drop(server.path("id").asText(), choice.serverJson(), "Taking the server's version", () -> {
                    queuedSeq = null;
                    editor.load(server);
                    editor.say("Took the server's version " + choice.serverVersion() + "; your edit was dropped");
                });
                return;
            }
            editor.load(server);
            editor.edit((ObjectNode) mapper.readTree(choice.toSave()));
            editor.save();
        } catch (JsonProcessingException | ClassCastException e) {
            editor.say("Cannot read the server's version: " + e.getMessage());
        }
    }

    /**
     * The server's text was unknown (deleted there, or unreadable): drop mine (the outbox entry is discarded; the text
     * stays on screen, unsaved, nothing newer being known), or re-create mine: saved on the version the server
     * reported, or as a new consent when it reported none (then a server that does hold it refuses: a new conflict).
     */
    private void settleWithoutServer(ConsentConflictViewModel.Choice choice) {
        if (choice.toSave() == null) {
            drop(editor.id(), null, "Dropping your edit", () -> {
                queuedSeq = null;
                editor.kept();
                editor.say("Your edit was dropped. The server's copy could not be read: open the consent again from "
                        + "the list to see what the cache holds");
            });
            return;
        }
        try {
            editor.load((ObjectNode) mapper.readTree(choice.toSave()));
        } catch (JsonProcessingException | ClassCastException e) {
            editor.say("Cannot read your version: " + e.getMessage());
            return;
        }
        baseVersion = choice.serverVersion();
        editor.unsaved();
        editor.save();
    }

    /** Discards the edit in the background; {@code done} (on the FX thread) only when that worked. */
    private void drop(String id, String serverJson, String what, Runnable done) {
        String target = editor.origin();
        editor.busy(true);
        tasks.submit(what, p -> {
            store.dropped(target, id, serverJson);
            return null;
        }, x -> {
            editor.busy(false);
            done.run();
        }, t -> {
            editor.busy(false);
            editor.unsaved();
            editor.say("Your edit was not dropped (it stays here, unsaved): " + t.getMessage());
        });
    }
}
