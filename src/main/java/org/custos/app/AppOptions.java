package org.custos.app;

import java.util.ArrayList;
import java.util.List;

/**
 * The desktop app's own options: {@code --db PATH} (or {@code --db=PATH}), {@code --smoke},
 * {@code --patient PROFILE} (patient mode for that server profile: its patient's own record, in a cache of its own),
 * {@code --staff} (the staff window, even when the last sign-in chose patient mode), and files to import (what a file manager passes when a FHIR file is opened with Custos).
 */
record AppOptions(String db, boolean smoke, List<String> files, String patient, boolean staff) {
    AppOptions(String db, boolean smoke, List<String> files) {
        this(db, smoke, files, null, false);
    }

    static AppOptions parse(List<String> args) {
        String db = null;
        String patient = null;
        boolean smoke = false;
        boolean staff = false;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--db=")) {
                db = a.substring(5);
            } else if (a.equals("--db") && i + 1 < args.size()) {
                db = args.get(++i);
            } else if (a.startsWith("--patient=")) {
                patient = a.substring("--patient=".length());
            } else if (a.equals("--patient") && i + 1 < args.size()) {
                patient = args.get(++i);
            } else if (a.equals("--staff")) {
                staff = true;
            } else if (a.equals("--smoke")) {
                smoke = true;
            } else if (!a.startsWith("-")) {
                files.add(a);
            }
        }
        return new AppOptions(db, smoke, List.copyOf(files), patient == null || patient.isBlank() ? null : patient,
                staff);
    }
}
