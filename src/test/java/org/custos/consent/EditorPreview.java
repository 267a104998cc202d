package org.custos.consent;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.custos.ui.FxTaskRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

/** Shows the editor on one file, for a look at it (not a test): java ... EditorPreview FILE. */
public final class EditorPreview extends Application {
    @Override
    public void start(Stage stage) throws Exception {
        String json = Files.readString(Path.of(getParameters().getRaw().get(0)));
        ConsentEditorViewModel vm = new ConsentEditorViewModel(j -> List.of(
                new ConsentEditorViewModel.Finding(ConsentEditorViewModel.Severity.ERROR, "Consent.except[0].actor[0].role",
                        "minimum required = 1, but only found 0")),
                (o, id, b, j) -> new ConsentEditorViewModel.Outcome.Queued("offline"),
                new FxTaskRunner(), ZoneId.systemDefault());
        vm.open(json, "https://fhir.example.org/fhir");
        ConsentEditorView view = new ConsentEditorView(vm);
        Scene scene = new Scene(view.root(), 1180, 820);
        Application.setUserAgentStylesheet(new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
        scene.getStylesheets().add(EditorPreview.class.getResource("/org/custos/ui/custos.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    public static void main(String[] args) {
        launch(args);
    }
}

/** Launches {@link EditorPreview} from the class path. */
final class EditorPreviewMain {
    public static void main(String[] args) {
        javafx.application.Application.launch(EditorPreview.class, args);
    }
}
