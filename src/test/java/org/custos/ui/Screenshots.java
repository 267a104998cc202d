package org.custos.ui;

import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import org.testfx.util.WaitForAsyncUtils;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

/** A scene as a PNG under target/screenshots (headless too: no javafx-swing needed). */
public final class Screenshots {
    private Screenshots() {
    }

    /** Writes {@code scene} to target/screenshots/{@code name}.png and returns the file. */
    public static Path write(Scene scene, String name) throws Exception {
        // a list filled in the background lays its rows out over a few pulses
        for (int i = 0; i < 3; i++) {
            WaitForAsyncUtils.asyncFx(() -> scene.getRoot().requestLayout()).get();
            WaitForAsyncUtils.waitForFxEvents();
        }
        WritableImage fx = WaitForAsyncUtils.asyncFx(() -> scene.snapshot(null)).get();
        int w = (int) fx.getWidth();
        int h = (int) fx.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader r = fx.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, r.getArgb(x, y));
            }
        }
        Path png = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(png.getParent());
        javax.imageio.ImageIO.write(out, "png", png.toFile());
        return png;
    }
}
