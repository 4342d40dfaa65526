package org.nodeguard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The Java binding's tests, without a test framework: the decision cases
 * of tests/cases (and samples/) read as data, the error paths, and the
 * shape of the API. Ends with "N passed, N failed"; exits 1 on a failure.
 *
 * <pre>java -cp CLASSES -Dnodeguard.jni=LIB org.nodeguard.NodeguardTest [REPO] [-v]</pre>
 */
public final class NodeguardTest {
    private static final String BAD_ROLES = "_meta:\n  type: \"roles\"\n"
            + "  config_version: 2\nbroken:\n  cluster_permissions: [\"a\", \"b\"\n"
            + "  index_permissions: []\n";
    private static final String SEARCH = "{\"user\": {\"name\": \"lena\"}, "
            + "\"rest\": {\"method\": \"GET\", \"path\": \"/logs-*/_search\"}}";

    private interface Body {
        void run() throws Exception;
    }

    private final Path repo;
    private final boolean verbose;
    private int passed;
    private int failed;

    private NodeguardTest(Path repo, boolean verbose) {
        this.repo = repo;
        this.verbose = verbose;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Paths.get(".");
        boolean verbose = false;
        for (String a : args) {
            if (a.equals("-v")) {
                verbose = true;
            } else {
                repo = Paths.get(a);
            }
        }
        NodeguardTest t = new NodeguardTest(repo.toAbsolutePath().normalize(), verbose);
        t.cases();
        t.errors();
        t.api();
        System.out.println(t.passed + " passed, " + t.failed + " failed");
        System.exit(t.failed == 0 && t.passed > 0 ? 0 : 1);
    }

    private void test(String name, Body body) {
        try {
            body.run();
            passed++;
            if (verbose) {
                System.out.println("ok   " + name);
            }
        } catch (Throwable e) {
            failed++;
            System.out.println("FAIL " + name + ": " + e);
        }
    }

    private static void check(boolean ok, String why) {
        if (!ok) {
            throw new AssertionError(why);
        }
    }

    private static void equal(Object want, Object got) {
        check(want == null ? got == null : want.equals(got), "expected " + want + ", got " + got);
    }

    private static NodeguardException raises(Body body) throws Exception {
        try {
            body.run();
        } catch (NodeguardException e) {
            return e;
        }
        throw new AssertionError("no NodeguardException");
    }

    private Path samples() {
        return repo.resolve("samples");
    }

    private Engine sampleEngine() {
        try (Policy p = Policy.load(samples().resolve("policy"));
                Metadata m = Metadata.load(samples().resolve("metadata.json"))) {
            return new Engine(p, m);
        }
    }

    private static Path tempPolicy(String rolesYml) throws IOException {
        Path dir = Files.createTempDirectory("nodeguard-java-");
        Files.writeString(dir.resolve("roles.yml"), rolesYml);
        return dir;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /* ------------------------------------------------------------------
     * Decision cases as data.
     */

    static int statusClass(long s) {
        return s >= 200 && s < 300 ? 200 : (int) s;
    }

    @SuppressWarnings("unchecked")
    static Set<String> topIndices(Map<String, Object> decision) {
        Set<String> out = new HashSet<>();
        for (Object o : (List<Object>) decision.get("checks")) {
            Map<String, Object> k = (Map<String, Object>) o;
            if (k.get("item") == null && "index".equals(k.get("scope"))
                    && Boolean.TRUE.equals(k.get("allowed"))) {
                for (Object ix : (List<Object>) k.get("indices")) {
                    out.add((String) ix);
                }
            }
        }
        return out;
    }

    /** Why a decision does not meet "expect"; null when it does. */
    @SuppressWarnings("unchecked")
    static String mismatch(Map<String, Object> expect, Map<String, Object> decision) {
        long got = (Long) decision.get("status");
        Object want = expect.get("status");
        if (want instanceof Long && statusClass(got) != statusClass((Long) want)) {
            return "status " + got + ", expected " + want;
        }
        if (expect.get("indices") instanceof List) {
            Set<String> have = topIndices(decision);
            if (!have.equals(new HashSet<>((List<Object>) expect.get("indices")))) {
                return "indices " + have + ", expected " + expect.get("indices");
            }
        }
        Object items = expect.get("items");
        if (!(items instanceof List)) {
            return null;
        }
        List<Object> wantItems = (List<Object>) items;
        for (int i = 0; i < wantItems.size(); i++) {
            Object st = ((Map<String, Object>) wantItems.get(i)).get("status");
            long have = itemStatus(decision, i);
            if (st instanceof Long && statusClass(have) != statusClass((Long) st)) {
                return "item " + i + ": status " + have + ", expected " + st;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static long itemStatus(Map<String, Object> decision, long n) {
        for (Object o : (List<Object>) decision.get("items")) {
            Map<String, Object> it = (Map<String, Object>) o;
            if (Long.valueOf(n).equals(it.get("item"))) {
                return (Long) it.get("status");
            }
        }
        return -1;
    }

    private void cases() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(repo.resolve("tests").resolve("cases"))) {
            s.filter(d -> Files.isRegularFile(d.resolve("requests.ndjson")))
                    .sorted().forEach(dirs::add);
        }
        dirs.add(samples());
        for (Path dir : dirs) {
            caseFolder(dir);
        }
    }

    @SuppressWarnings("unchecked")
    private void caseFolder(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        Engine engine;
        try (Policy p = Policy.load(dir.resolve("policy"));
                Metadata m = Metadata.load(dir.resolve("metadata.json"))) {
            engine = new Engine(p, m);
        } catch (NodeguardException e) {
            test(name, () -> {
                throw e;
            });
            return;
        }
        List<String> lines = Files.readAllLines(dir.resolve("requests.ndjson"),
                StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> req = (Map<String, Object>) MiniJson.parse(line);
            if (!(req.get("expect") instanceof Map)) {
                continue;
            }
            Map<String, Object> expect = (Map<String, Object>) req.get("expect");
            test(name + ":" + (n + 1) + ":" + req.get("id"), () -> {
                Decision d = engine.decide(line);
                String why = mismatch(expect, (Map<String, Object>) MiniJson.parse(d.json()));
                check(why == null, why + "\n    " + d.json());
            });
        }
        engine.close();
    }

    /* ------------------------------------------------------------------
     * Error paths.
     */

    private void errors() {
        test("policy syntax error names file, line and column", () -> {
            Path dir = tempPolicy(BAD_ROLES);
            try {
                NodeguardException e = raises(() -> Policy.load(dir));
                equal(NodeguardException.ESYNTAX, e.code());
                check(e.file().endsWith("roles.yml"), "file " + e.file());
                equal(6, e.line());
                check(e.column() > 0, "no column");
                check(e.getMessage().contains("roles.yml:6:"), e.getMessage());
            } finally {
                delete(dir);
            }
        });
        test("missing policy directory is an io error", () -> {
            NodeguardException e = raises(() -> Policy.load("/nonexistent/nodeguard"));
            equal(NodeguardException.EIO, e.code());
        });
        test("malformed metadata text has line and column", () -> {
            NodeguardException e = raises(() -> Metadata.parse("{\"indices\": {\"a\": {,}}}"));
            equal(NodeguardException.ESYNTAX, e.code());
            equal(null, e.file());
            equal(1, e.line());
            check(e.column() > 0, "no column");
            check(e.getMessage().startsWith("line 1, column " + e.column() + ": malformed JSON"),
                  e.getMessage());
        });
        test("malformed metadata file names the file", () -> {
            Path f = Files.createTempFile("nodeguard-java-", ".json");
            try {
                Files.writeString(f, "{\n  \"indices\": {\n"
                        + "    \"a\": {\"hidden\": false,}\n  }\n}\n");
                NodeguardException e = raises(() -> Metadata.load(f));
                equal(NodeguardException.ESYNTAX, e.code());
                equal(f.toString(), e.file());
                equal(3, e.line());
            } finally {
                Files.delete(f);
            }
        });
        test("metadata of the wrong shape is a schema error", () -> {
            equal(NodeguardException.ESCHEMA,
                    raises(() -> Metadata.parse("{\"indices\": 5}")).code());
        });
        test("malformed request line raises", () -> {
            equal(NodeguardException.ESYNTAX, raises(() -> Request.fromJson("{\"user\": ")).code());
        });
        test("acquire before ready is not ready", () -> {
            try (Node node = new Node()) {
                equal(NodeguardException.ENOTREADY, raises(node::acquire).code());
            }
        });
        test("failed reload keeps the old policy in force", this::failedReload);
        test("failed metadata change keeps the old metadata", () -> {
            try (Node node = new Node();
                    Metadata m = Metadata.load(samples().resolve("metadata.json"))) {
                node.loadPolicy(samples().resolve("policy"));
                node.setMetadata(m);
                String before = decideWith(node, SEARCH);
                raises(() -> node.setMetadata(Metadata.parse("{\"indices\": ")));
                equal(before, decideWith(node, SEARCH));
            }
        });
        test("closed handle cannot be used", () -> {
            Request r = new Request();
            r.close();
            r.close();
            try {
                r.setUser("x");
                throw new AssertionError("no exception");
            } catch (IllegalStateException expected) {
                check(r.isClosed(), "not closed");
            }
        });
        test("closing an engine while others decide waits for them", this::closeWhileDeciding);
        test("a handle closed during a native call is freed after it", () -> {
            Engine e = sampleEngine();
            try (Request r = Request.fromJson(SEARCH)) {
                long p = e.enter();
                e.close();
                check(e.isClosed(), "not closed");
                try {
                    e.decide(r);
                    throw new AssertionError("no exception");
                } catch (IllegalStateException expected) {
                    check(true, "");
                }
                // the call in progress still holds a live engine
                long q = r.enter();
                try {
                    equal(200, Native.decide(p, q).status());
                } finally {
                    r.exit();
                }
                e.exit();
            }
        });
        test("a NUL in a path is refused, not cut", () -> {
            String policy = samples().resolve("policy").toString();
            for (Body b : new Body[] {
                    () -> Policy.load(policy + "\0/x"),
                    () -> Policy.load(policy, "a\0b"),
                    () -> Metadata.load(samples().resolve("metadata.json") + "\0.bak"),
                    () -> Lint.run(policy + "\0x", null),
                    () -> {
                        try (Node n = new Node()) {
                            n.loadPolicy(policy + "\0x");
                        }
                    } }) {
                try {
                    b.run();
                    throw new AssertionError("no exception");
                } catch (IllegalArgumentException expected) {
                    equal("a path holds a NUL character", expected.getMessage());
                }
            }
        });
        test("a lone surrogate is refused, not sent as ?", () -> {
            try (Request r = new Request()) {
                r.setUser("le\uD800na");
                throw new AssertionError("no exception");
            } catch (IllegalArgumentException expected) {
                check(expected.getMessage().contains("lone surrogate"), expected.getMessage());
            }
        });
        test("null text is refused", () -> {
            try (Request r = new Request()) {
                r.setUser(null);
                throw new AssertionError("no exception");
            } catch (NullPointerException expected) {
                check(true, "");
            }
        });
        test("every code has a text", () -> {
            for (int c = 0; c >= NodeguardException.ENOTREADY; c--) {
                check(!NodeguardException.describe(c).isEmpty(), "no text for " + c);
            }
        });
    }

    /**
     * Threads decide with one engine while it is closed: each decision
     * either completes or throws IllegalStateException, and the C engine
     * is freed only once the last call has returned (before the fix, the
     * process died on a freed engine). Bounded: 50 rounds.
     */
    private void closeWhileDeciding() throws Exception {
        for (int round = 0; round < 50; round++) {
            Engine e = sampleEngine();
            AtomicInteger decided = new AtomicInteger();
            AtomicReference<Throwable> wrong = new AtomicReference<>();
            Thread[] ts = new Thread[3];
            for (int k = 0; k < ts.length; k++) {
                ts[k] = new Thread(() -> {
                    try (Request r = Request.fromJson(SEARCH)) {
                        for (int i = 0; i < 2000; i++) {
                            Decision d = e.decide(r);
                            check(d.status() == 200, "status " + d.status());
                            decided.incrementAndGet();
                        }
                    } catch (IllegalStateException closed) {
                        check(e.isClosed(), "thrown while open");
                    } catch (Throwable t) {
                        wrong.set(t);
                    }
                });
                ts[k].start();
            }
            while (decided.get() < 10 && ts[0].isAlive()) {
                Thread.onSpinWait();
            }
            e.close();
            for (Thread t : ts) {
                t.join();
            }
            if (wrong.get() != null) {
                throw new AssertionError(wrong.get());
            }
            check(e.isClosed(), "not closed");
        }
    }

    private static String decideWith(Node node, String line) {
        try (Request r = Request.fromJson(line)) {
            return node.decide(r).json();
        }
    }

    private void failedReload() throws Exception {
        Path bad = tempPolicy(BAD_ROLES);
        try (Node node = new Node();
                Metadata m = Metadata.load(samples().resolve("metadata.json"))) {
            node.loadPolicy(samples().resolve("policy"));
            node.setMetadata(m);
            String before = decideWith(node, SEARCH);
            check(before.contains("\"status\":200"), before);
            NodeguardException e = raises(() -> node.loadPolicy(bad));
            equal(6, e.line());
            equal(before, decideWith(node, SEARCH));
        } finally {
            delete(bad);
        }
    }

    /* ------------------------------------------------------------------
     * The shape of the API.
     */

    private void api() {
        test("policy has an id", () -> {
            try (Policy p = Policy.load(samples().resolve("policy"))) {
                check(p.id().startsWith("sha256:"), p.id());
                check(p.warnings() != null, "no warnings list");
            }
        });
        test("metadata counts indices", () -> {
            try (Metadata m = Metadata.parse("{\"indices\": {\"a\": {}, \"b\": {}}}")) {
                equal(2L, m.indexCount());
            }
        });
        test("engine outlives its inputs", () -> {
            try (Engine e = sampleEngine();
                    Request r = new Request().setUser("lena").setRest("GET", "/logs-*/_search")) {
                Decision d = e.decide(r);
                equal(200, d.status());
                equal(Decision.Verdict.ALLOW, d.verdict());
                check(d.allowed(), "not allowed");
                check(!d.reason().isEmpty(), "no reason");
            }
        });
        test("built request decides like its json", () -> {
            String body = "{\"query\":{\"match_all\":{}}}";
            String line = "{\"id\": \"r1\", \"user\": {\"name\": \"lena\"}, \"rest\": {\"method\": "
                    + "\"GET\", \"path\": \"/logs-*/_search\", \"body\": " + body + "}}";
            try (Engine e = sampleEngine();
                    Request built = new Request().setId("r1").setUser("lena")
                            .setRest("GET", "/logs-*/_search", body)) {
                equal("r1", built.id());
                equal(e.decide(line).json(), e.decide(built).json());
            }
        });
        test("unknown user is denied", () -> {
            try (Engine e = sampleEngine();
                    Request r = new Request().setUser("nobody").addBackendRole("x")
                            .addAttribute("k", "v").setTime(0)
                            .setRest("GET", "/logs-*/_search")) {
                Decision d = e.decide(r);
                equal(403, d.status());
                equal(Decision.Verdict.DENY, d.verdict());
            }
        });
        test("transport request", () -> {
            try (Engine e = sampleEngine();
                    Request r = new Request().setUser("lena")
                            .setTransport("indices:data/read/search")
                            .addTransportIndex("logs-2026.03.21")) {
                Decision d = e.decide(r);
                equal(200, d.status());
                check(d.json().contains("\"indices\":[\"logs-2026.03.21\"]"), d.json());
            }
        });
        test("acquired engine survives a reload", this::acquiredSurvivesReload);
        test("many threads decide alike", this::threads);
        lint();
        explain();
    }

    private void explain() {
        test("explain names the checks and the decision", () -> {
            try (Engine e = sampleEngine();
                    Request r = new Request().setUser("lena").setRest("GET", "/logs-*/_search")) {
                Map<?, ?> out = (Map<?, ?>) MiniJson.parse(e.explain(r));
                check(out.containsKey("cells") && out.containsKey("roles"), out.toString());
                equal(200L, ((Map<?, ?>) out.get("decision")).get("status"));
            }
        });
        test("engine gives back its inputs", () -> {
            try (Engine e = sampleEngine(); Policy p = e.policy(); Metadata m = e.metadata()) {
                check(p.id().startsWith("sha256:"), p.id());
                check(m.indexCount() > 0, "no indices");
            }
        });
        test("policy and metadata enumerate", () -> {
            try (Policy p = Policy.load(samples().resolve("policy"));
                    Metadata m = Metadata.load(samples().resolve("metadata.json"))) {
                check(p.roles().contains("log_reader"), p.roles().toString());
                check(p.users().contains("lena"), p.users().toString());
                equal(m.indexCount(), (long) m.indices().size());
                check(m.indices().contains("logs-2026.03.21"), m.indices().toString());
            }
        });
    }

    private void lint() {
        test("lint finding carries rule, file and position", () -> {
            Path dir = tempPolicy(BAD_ROLES);
            try {
                List<Lint.Finding> found = Lint.run(dir);
                check(!found.isEmpty(), "no findings");
                Lint.Finding f = found.get(0);
                equal(Lint.Severity.ERROR, f.severity());
                check(f.file().endsWith("roles.yml"), f.toString());
                equal(6, f.line());
                check(!f.rule().isEmpty() && !f.message().isEmpty(), f.toString());
            } finally {
                delete(dir);
            }
        });
        test("lint of the samples with metadata", () -> {
            Lint.run(samples().resolve("policy").toString(),
                    samples().resolve("metadata.json").toString());
        });
        test("lint of a missing directory raises", () -> {
            raises(() -> Lint.run("/nonexistent/nodeguard", null));
        });
        test("lint rules are listed", () -> {
            List<Lint.Rule> rules = Lint.rules();
            check(!rules.isEmpty(), "no rules");
            Set<String> ids = new HashSet<>();
            for (Lint.Rule r : rules) {
                check(ids.add(r.id()), "duplicate " + r.id());
                check(!r.summary().isEmpty(), "no summary for " + r.id());
            }
        });
    }

    private void acquiredSurvivesReload() throws Exception {
        Path other = repo.resolve("tests/cases/cyclic-action-groups/policy");
        try (Node node = new Node();
                Metadata m = Metadata.load(samples().resolve("metadata.json"))) {
            node.loadPolicy(samples().resolve("policy"));
            node.setMetadata(m);
            String first;
            try (Engine old = node.acquire()) {
                first = old.decide(SEARCH).json();
                node.loadPolicy(other);
                equal(first, old.decide(SEARCH).json());
            }
            check(!first.equals(decideWith(node, SEARCH)), "policy did not change");
        }
    }

    private void threads() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new ArrayList<>();
        try (Engine e = sampleEngine()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 100; i++) {
                        seen.add(e.decide(SEARCH).json());
                    }
                });
                th.setUncaughtExceptionHandler((x, ex) -> {
                    synchronized (errors) {
                        errors.add(ex);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
        }
        check(errors.isEmpty(), "thread failed: " + errors);
        equal(1, seen.size());
    }
}
