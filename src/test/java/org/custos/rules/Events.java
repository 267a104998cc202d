package org.custos.rules;

/** STU3 AuditEvents for the rules' tests, written out as JSON. */
public final class Events {
    private String id;
    private String recorded;
    private String userId;
    private String userRef;
    private String userName;
    private String patient;
    private String patientName;
    private String type = "110110";
    private String outcome = "0";
    private String purposeOfEvent;
    private String purposeOfUse;

    public static Events event(String id, String recorded) {
        Events e = new Events();
        e.id = id;
        e.recorded = recorded;
        return e;
    }

    public Events user(String id, String name) {
        this.userId = id;
        this.userName = name;
        return this;
    }

    public Events userRef(String ref) {
        this.userRef = ref;
        return this;
    }

    public Events patient(String ref, String name) {
        this.patient = ref;
        this.patientName = name;
        return this;
    }

    /** A login (DICOM 110114) with this outcome. */
    public Events login(String outcome) {
        this.type = "110114";
        this.outcome = outcome;
        return this;
    }

    /** Another DICOM event type (e.g. 110106 Export). */
    public Events type(String code) {
        this.type = code;
        return this;
    }

    public Events purposeOfEvent(String code) {
        this.purposeOfEvent = code;
        return this;
    }

    public Events purposeOfUse(String code) {
        this.purposeOfUse = code;
        return this;
    }

    public String json() {
        StringBuilder agent = new StringBuilder("{\"requestor\":true");
        if (userId != null) {
            agent.append(",\"userId\":{\"value\":\"").append(userId).append("\"}");
        }
        if (userRef != null) {
            agent.append(",\"reference\":{\"reference\":\"").append(userRef).append("\"}");
        }
        if (userName != null) {
            agent.append(",\"name\":\"").append(userName).append("\"");
        }
        if (purposeOfUse != null) {
            agent.append(",\"purposeOfUse\":[{\"coding\":[{\"system\":\"http://hl7.org/fhir/v3/ActReason\",\"code\":\"")
                    .append(purposeOfUse).append("\"}]}]");
        }
        agent.append("}");
        String app = "{\"requestor\":false,\"name\":\"EHR App\",\"role\":[{\"coding\":[{\"system\":\"http://dicom.nema"
                + ".org/resources/ontology/DCM\",\"code\":\"110150\"}]}]}";
        String entity = patient == null ? "" : ",\"entity\":[{\"reference\":{\"reference\":\"" + patient + "\"},"
                + "\"type\":{\"system\":\"http://hl7.org/fhir/object-type\",\"code\":\"1\"},\"role\":{\"system\":"
                + "\"http://hl7.org/fhir/object-role\",\"code\":\"1\"}" + (patientName == null ? ""
                : ",\"name\":\"" + patientName + "\"") + "}]";
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"type\":{\"system\":\"http://dicom.nema.org/"
                + "resources/ontology/DCM\",\"code\":\"" + type + "\"},\"action\":\"" + (type.equals("110114") ? "E"
                : "R") + "\",\"recorded\":\"" + recorded + "\",\"outcome\":\"" + outcome + "\""
                + (purposeOfEvent == null ? "" : ",\"purposeOfEvent\":[{\"coding\":[{\"system\":\"http://hl7.org/fhir/"
                + "v3/ActReason\",\"code\":\"" + purposeOfEvent + "\"}]}]")
                + ",\"agent\":[" + agent + "," + app + "],\"source\":{\"identifier\":{\"value\":\"ehr\"}}" + entity + "}";
    }
}
