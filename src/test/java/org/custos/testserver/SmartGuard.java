package org.custos.testserver;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.servlet.http.HttpServletRequest;

import java.net.URL;
import java.util.Arrays;
import java.util.Set;

/**
 * The test server's SMART protection, for requests under {@code /smart/fhir} only (the plain {@code /fhir} of the
 * shared server stays open): a bearer token signed by the trusted authorization server (its JWKS), from its issuer,
 * not expired, or 401; a scope for the resource type and the kind of operation (SMART v1 {@code user/Type.read|write},
 * v2 {@code .rs|.cud}, {@code *} for any type; {@code patient/} ones when the token names a patient, kept to that
 * patient's compartment by {@link PatientCompartmentGuard}), or 403. Trusts nobody until {@link #trust} is called.
 */
public final class SmartGuard {
    /** Where a checked request's token claims are kept (its {@link RequestDetails#getUserData()}). */
    static final String CLAIMS = "custos.smart.claims";

    private volatile DefaultJWTProcessor<SecurityContext> processor;

    /** The patient context of a token (its {@code patient} claim, an id), or null. */
    static String patientOf(JWTClaimsSet claims) {
        Object p = claims.getClaim("patient");
        return p == null || p.toString().isBlank() ? null : p.toString();
    }
    private volatile String wellKnown;

    /** Accepts tokens signed with the keys at {@code jwks} and issued by {@code issuer} from now on. */
    public void trust(URL jwks, String issuer) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                JWKSourceBuilder.create(jwks).retrying(false).build()));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("exp", "iat")));
        processor = p;
    }

    /**
     * Trusts the mock authorization server's issuer {@code issuerId}, and names its endpoints in the FHIR server's
     * {@code .well-known/smart-configuration} (so Custos discovers them as it would at a real server).
     */
    public void trust(no.nav.security.mock.oauth2.MockOAuth2Server oauth, String issuerId) {
        trust(oauth.jwksUrl(issuerId).url(), oauth.issuerUrl(issuerId).toString());
        wellKnown = "{\"issuer\":\"" + oauth.issuerUrl(issuerId) + "\",\"authorization_endpoint\":\""
                + oauth.authorizationEndpointUrl(issuerId) + "\",\"token_endpoint\":\""
                + oauth.tokenEndpointUrl(issuerId) + "\",\"revocation_endpoint\":\""
                + oauth.revocationEndpointUrl(issuerId) + "\",\"jwks_uri\":\"" + oauth.jwksUrl(issuerId)
                + "\",\"code_challenge_methods_supported\":[\"S256\"],\"grant_types_supported\":"
                + "[\"authorization_code\",\"client_credentials\",\"refresh_token\"],"
                + "\"token_endpoint_auth_methods_supported\":[\"none\",\"client_secret_basic\",\"private_key_jwt\"],"
                + "\"capabilities\":[\"launch-standalone\",\"client-public\",\"client-confidential-symmetric\","
                + "\"client-confidential-asymmetric\",\"context-standalone-patient\",\"sso-openid-connect\","
                + "\"permission-offline\",\"permission-user\",\"permission-v1\"]}";
    }

    /** The SMART configuration the server shows (null: none, 404). */
    public String wellKnown() {
        return wellKnown;
    }

    /** Trusts no one again. */
    public void distrust() {
        processor = null;
        wellKnown = null;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean check(RequestDetails details, HttpServletRequest request) {
        if (!request.getRequestURI().contains("/smart/fhir")) {
            return true;
        }
        RestOperationTypeEnum op = details.getRestOperationType();
        if (op == RestOperationTypeEnum.METADATA) {
            return true; // the CapabilityStatement is public
        }
        String auth = request.getHeader("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AuthenticationException("A bearer token is needed").addAuthenticateHeaderForRealm("custos-test");
        }
        DefaultJWTProcessor<SecurityContext> p = processor;
        JWTClaimsSet claims;
        try {
            if (p == null) {
                throw new IllegalStateException("no authorization server is trusted");
            }
            claims = p.process(auth.substring(7).trim(), null);
        } catch (Exception e) {
            throw new AuthenticationException("The bearer token is not valid: " + e.getMessage());
        }
        details.getUserData().put(CLAIMS, claims); // for PatientCompartmentGuard
        if (op == RestOperationTypeEnum.GET_PAGE) {
            return true; // a page of a search whose scope was checked when it was made (a valid token still needed)
        }
        Object scope = claims.getClaim("scope");
        Set<String> scopes = Set.copyOf(Arrays.asList(String.valueOf(scope == null ? "" : scope).split(" ")));
        String type = details.getResourceName() == null ? "*" : details.getResourceName();
        boolean write = op == RestOperationTypeEnum.CREATE || op == RestOperationTypeEnum.UPDATE
                || op == RestOperationTypeEnum.DELETE || op == RestOperationTypeEnum.PATCH
                || op == RestOperationTypeEnum.TRANSACTION;
        for (String t : new String[]{type, "*"}) {
            // patient/ scopes only with a patient context; PatientCompartmentGuard keeps them to that patient
            String[] contexts = patientOf(claims) == null ? new String[]{"user/", "system/"}
                    : new String[]{"user/", "system/", "patient/"};
            for (String context : contexts) {
                if (write ? scopes.contains(context + t + ".write") || scopes.contains(context + t + ".cud")
                        : scopes.contains(context + t + ".read") || scopes.contains(context + t + ".rs")) {
                    return true;
                }
            }
        }
        throw new ForbiddenOperationException("The token's scopes do not allow " + (write ? "writing " : "reading ")
                + type + " (needed: user/" + type + (write ? ".write" : ".read") + ")");
    }
}
