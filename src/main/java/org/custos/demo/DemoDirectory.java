package org.custos.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated hospital: staff (users), patients with their departments and care teams, and the sites.
 * Immutable after construction and a pure function of the seed.
 */
final class DemoDirectory {

    enum Kind { DOCTOR, NURSE, PHARMACIST, CLERK, BILLING, PRIVACY, IT }

    record User(int index, String id, String login, String given, String family, boolean female, Kind kind,
                int dept, int site, String ip, String workstation) {
        String display() {
            return given + " " + family;
        }

        boolean clinical() {
            return kind == Kind.DOCTOR || kind == Kind.NURSE || kind == Kind.PHARMACIST;
        }
    }

    record Pat(int index, String id, String mrn, String given, String family, boolean female, String birthDate,
               int dept, String confidentiality, int[] careTeam, String street, String city, String phone) {
        String display() {
            return given + " " + family;
        }

        boolean inCareTeam(int userIndex) {
            for (int u : careTeam) {
                if (u == userIndex) {
                    return true;
                }
            }
            return false;
        }

        boolean restricted() {
            return !"N".equals(confidentiality);
        }
    }

    record Site(String name, String host, String sourceType, String app) {
    }

    static final int USERS = 50;
    static final int PATIENTS = 500;
    static final String ORG_ID = "org-001";
    static final String ORG_NAME = "Custos General Hospital";

    static final List<String> DEPT_NAMES = List.of(
        "Internal Medicine", "Cardiology", "Emergency Department", "Paediatrics", "Oncology", "General Surgery",
        "Psychiatry");
    static final List<String> DEPT_CODES = List.of("MED", "CARD", "ED", "PAED", "ONC", "SURG", "PSY");
    static final int PSY = 6;
    static final int PAED = 3;
    static final int ED = 2;
    private static final List<Integer> DEPT_SHARE = List.of(25, 15, 20, 10, 10, 15, 5);

    static final List<Site> SITES = List.of(
        new Site("Custos General Hospital", "ehr.custos-general.example", "4", "EHR App"),
        new Site("Custos General Hospital", "web.custos-general.example", "3", "Clinical Web Viewer"),
        new Site("Custos North Clinic", "ehr.custos-north.example", "4", "EHR App"));

    private static final List<Integer> KIND_COUNTS = List.of(16, 18, 3, 6, 3, 2, 2);

    final List<User> users;
    final List<Pat> patients;
    private final int[][] usersByKind = new int[Kind.values().length][];
    private final int[] clinicalUsers;
    /** cumulative patient weights (inpatients are looked up more often). */
    private final int[] patientCumWeight;

    DemoDirectory(long seed) {
        SplittableRandom rnd = new SplittableRandom(DemoRandom.mix(seed, -1L));
        this.users = buildUsers(rnd);
        List<Integer> clinical = new ArrayList<>();
        for (Kind k : Kind.values()) {
            usersByKind[k.ordinal()] = users.stream().filter(u -> u.kind() == k).mapToInt(User::index).toArray();
        }
        for (User u : users) {
            if (u.clinical()) {
                clinical.add(u.index());
            }
        }
        this.clinicalUsers = clinical.stream().mapToInt(Integer::intValue).toArray();
        this.patients = new ArrayList<>(PATIENTS);
        this.patientCumWeight = new int[PATIENTS];
        int cum = 0;
        for (int i = 0; i < PATIENTS; i++) {
            Pat p = buildPatient(rnd, i);
            patients.add(p);
            cum += rnd.nextInt(100) < 20 ? 4 : 1;
            patientCumWeight[i] = cum;
        }
    }

    private List<User> buildUsers(SplittableRandom rnd) {
        List<Kind> kinds = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (int i = 0; i < KIND_COUNTS.get(k.ordinal()); i++) {
                kinds.add(k);
            }
        }
        DemoRandom.shuffle(kinds, rnd);
        int[] perKind = new int[Kind.values().length];
        Set<String> names = new HashSet<>();
        Set<String> logins = new HashSet<>();
        List<User> out = new ArrayList<>(USERS);
        for (int i = 0; i < kinds.size(); i++) {
            Kind kind = kinds.get(i);
            int nth = perKind[kind.ordinal()]++;
            boolean female = rnd.nextInt(100) < (kind == Kind.NURSE ? 75 : 50);
            String given;
            String family;
            do {
                given = DemoRandom.pick(rnd, female ? DemoNames.FEMALE : DemoNames.MALE);
                family = DemoRandom.pick(rnd, DemoNames.FAMILY);
            } while (!names.add(given + "|" + family) || !logins.add(DemoNames.userName(given, family)));
            String login = DemoNames.userName(given, family);
            int dept = switch (kind) {
                case DOCTOR, NURSE, CLERK -> nth % DEPT_NAMES.size();
                default -> -1;
            };
            int site = rnd.nextInt(100) < 20 && dept != PSY ? 2 : 0;
            int vlan = 10 + (dept < 0 ? 9 : dept) * 2;
            String ip = "10." + (site == 2 ? 40 : 20) + "." + vlan + "." + (20 + rnd.nextInt(200));
            String ws = "WS-" + (dept < 0 ? "ADM" : DEPT_CODES.get(dept)) + "-" + String.format("%02d", 1 + rnd.nextInt(40));
            out.add(new User(i, String.format("prac-%03d", i + 1), login, given, family, female, kind, dept, site,
                ip, ws));
        }
        return List.copyOf(out);
    }

    private Pat buildPatient(SplittableRandom rnd, int i) {
        int dept = DemoRandom.weighted(rnd, DEPT_SHARE);
        boolean female = rnd.nextBoolean();
        String given = DemoRandom.pick(rnd, female ? DemoNames.FEMALE : DemoNames.MALE);
        String family = DemoRandom.pick(rnd, DemoNames.FAMILY);
        int year = dept == PAED ? 2008 + rnd.nextInt(16) : 1928 + rnd.nextInt(78);
        String birth = String.format("%04d-%02d-%02d", year, 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
        String conf = dept == PSY ? "R" : rnd.nextInt(100) < 2 ? "V" : "N";
        List<Integer> team = new ArrayList<>();
        int[] doctors = deptMembers(Kind.DOCTOR, dept);
        int[] nurses = deptMembers(Kind.NURSE, dept);
        addDistinct(team, rnd, doctors, 1 + rnd.nextInt(2));
        addDistinct(team, rnd, nurses, 2 + rnd.nextInt(2));
        if (rnd.nextInt(100) < 30) {
            addDistinct(team, rnd, usersByKind[Kind.PHARMACIST.ordinal()], 1);
        }
        String mrn = String.format("M%07d", 1_000_000 + i * 100 + rnd.nextInt(100));
        String street = (1 + rnd.nextInt(180)) + " " + DemoRandom.pick(rnd, DemoNames.STREETS);
        String city = DemoRandom.pick(rnd, DemoNames.CITIES);
        String phone = String.format("+1-555-%03d-%04d", rnd.nextInt(1000), rnd.nextInt(10000));
        return new Pat(i, String.format("pat-%04d", i + 1), mrn, given, family, female, birth, dept, conf,
            team.stream().mapToInt(Integer::intValue).toArray(), street, city, phone);
    }

    private static void addDistinct(List<Integer> team, SplittableRandom rnd, int[] pool, int n) {
        int[] copy = pool.clone();
        for (int k = 0; k < n && k < copy.length; k++) {
            int j = k + rnd.nextInt(copy.length - k);
            int t = copy[k];
            copy[k] = copy[j];
            copy[j] = t;
            team.add(copy[k]);
        }
    }

    /** Users of a kind in a department. */
    int[] deptMembers(Kind kind, int dept) {
        return users.stream().filter(u -> u.kind() == kind && u.dept() == dept).mapToInt(User::index).toArray();
    }

    int[] usersOf(Kind kind) {
        return usersByKind[kind.ordinal()];
    }

    int[] clinicalUsers() {
        return clinicalUsers;
    }

    Pat randomPatient(SplittableRandom rnd) {
        int r = rnd.nextInt(patientCumWeight[PATIENTS - 1]);
        int pos = Arrays.binarySearch(patientCumWeight, r + 1);
        if (pos < 0) {
            pos = -pos - 1;
        }
        return patients.get(pos);
    }

    /** A doctor or nurse who is not on the patient's care team; often from the Emergency Department. */
    User outsider(SplittableRandom rnd, Pat p) {
        while (true) {
            int u = clinicalUsers[rnd.nextInt(clinicalUsers.length)];
            if (users.get(u).dept() != ED && rnd.nextInt(100) < 60) {
                continue;
            }
            if (!p.inCareTeam(u)) {
                return users.get(u);
            }
        }
    }
}
