package org.custos.app;

import java.util.List;

/** The desktop app's own options: {@code --db PATH} (or {@code --db=PATH}) and {@code --smoke}. */
record AppOptions(String db, boolean smoke) {
    static AppOptions parse(List<String> args) {
        String db = null;
        boolean smoke = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--db=")) {
                db = a.substring(5);
            } else if (a.equals("--db") && i + 1 < args.size()) {
                db = args.get(++i);
            } else if (a.equals("--smoke")) {
                smoke = true;
            }
        }
        return new AppOptions(db, smoke);
    }
}
