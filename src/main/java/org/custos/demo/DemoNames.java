package org.custos.demo;

import java.util.List;
import java.text.Normalizer;
import java.util.Locale;

/** Name and place pools for the demo directory: varied, international, fictional combinations. */
final class DemoNames {

    private DemoNames() {
    }

    static final List<String> FEMALE = List.of(
        "Emma", "Olivia", "Sophie", "Charlotte", "Amelia", "Hannah", "Lena", "Mia", "Anna", "Laura",
        "Sofía", "Lucía", "Valentina", "Camila", "Isabela", "Mariana", "Gabriela", "Ana Paula",
        "Chloé", "Camille", "Léa", "Manon", "Giulia", "Francesca", "Chiara", "Elena",
        "Ingrid", "Astrid", "Freja", "Saga", "Katarzyna", "Agnieszka", "Zuzana", "Ivana",
        "Priya", "Ananya", "Deepika", "Kavya", "Meera", "Aisha", "Fatima", "Layla", "Yasmin", "Noor",
        "Mei", "Xiu Ying", "Li Na", "Yuki", "Haruka", "Sakura", "Ji-woo", "Seo-yeon", "Minh Anh", "Linh",
        "Chioma", "Amara", "Ngozi", "Zanele", "Thandiwe", "Aroha", "Eleni", "Maria", "Zeynep", "Elif",
        "Siobhan", "Aoife", "Grace", "Ruth", "Esther", "Tamar", "Olga", "Natalia", "Daria", "Nadia");

    static final List<String> MALE = List.of(
        "James", "Oliver", "William", "Thomas", "Henry", "Lukas", "Jonas", "Felix", "Maximilian", "Paul",
        "Mateo", "Santiago", "Alejandro", "Diego", "João", "Pedro", "Rafael", "Gustavo",
        "Louis", "Hugo", "Théo", "Antoine", "Lorenzo", "Matteo", "Giovanni", "Marco",
        "Lars", "Erik", "Magnus", "Nils", "Piotr", "Tomasz", "Jakub", "Ondřej",
        "Arjun", "Rahul", "Vikram", "Rohan", "Sanjay", "Omar", "Ahmed", "Yusuf", "Karim", "Tariq",
        "Wei", "Jun", "Hao", "Kenji", "Hiroshi", "Takumi", "Min-jun", "Seung-ho", "Duc", "Quang",
        "Chinedu", "Emeka", "Kwame", "Sipho", "Tane", "Nikos", "Giorgos", "Mehmet", "Emre", "Burak",
        "Ciarán", "Seán", "David", "Daniel", "Samuel", "Ivan", "Dmitri", "Sergei", "Andrei", "Mikhail");

    static final List<String> FAMILY = List.of(
        "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Walker", "Wright", "Robinson",
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner",
        "García", "Fernández", "López", "Martínez", "Rodríguez", "González", "Pérez", "Sánchez",
        "Silva", "Santos", "Oliveira", "Costa", "Pereira", "Almeida",
        "Dubois", "Lefèvre", "Moreau", "Laurent", "Rossi", "Russo", "Esposito", "Bianchi", "Romano",
        "Johansson", "Andersson", "Nilsen", "Hansen", "Virtanen", "Kowalski", "Nowak", "Wiśniewski",
        "Novák", "Horváth", "Popescu", "Ivanov", "Petrov", "Smirnova", "Kuznetsov",
        "Patel", "Sharma", "Gupta", "Singh", "Reddy", "Iyer", "Nair", "Chatterjee",
        "Khan", "Hassan", "Haddad", "Al-Farsi", "Nasser", "Rahman",
        "Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Tanaka", "Suzuki", "Sato", "Watanabe",
        "Kim", "Park", "Choi", "Nguyen", "Tran", "Pham",
        "Okafor", "Adeyemi", "Mensah", "Mokoena", "Dlamini", "Ngata",
        "Papadopoulos", "Georgiou", "Yılmaz", "Demir", "Kaya",
        "O'Brien", "Murphy", "Kelly", "Cohen", "Levi", "Friedman", "Jansen", "de Vries", "van Dijk", "Bakker");

    static final List<String> CITIES = List.of(
        "Springfield", "Riverton", "Lakewood", "Fairview", "Georgetown", "Millbrook", "Ashford",
        "Oakridge", "Brookside", "Kingsport", "Northgate", "Westfield");

    static final List<String> STREETS = List.of(
        "Main Street", "Oak Avenue", "Elm Street", "Maple Drive", "Cedar Lane", "Park Road",
        "Station Road", "Church Street", "Mill Lane", "Harbour View", "Hillcrest Road", "Lindenweg");

    /** Login name like {@code jsmith}: first initial plus family name, ASCII letters only, lower case. */
    static String userName(String given, String family) {
        return (ascii(given).substring(0, 1) + ascii(family)).toLowerCase(Locale.ROOT);
    }

    static String ascii(String s) {
        String folded = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return folded.replace("ı", "i").replace("ł", "l").replaceAll("[^A-Za-z]", "");
    }
}
