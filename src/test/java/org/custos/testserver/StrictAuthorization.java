package org.custos.testserver;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponseKt;
import no.nav.security.mock.oauth2.http.Route;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token-endpoint rules a production authorization server keeps and mock-oauth2-server 2.1.10 does not (it checks
 * a PKCE verifier only when one is sent, takes a code twice, and takes any refresh token, a revoked one too — its
 * later 4.x keeps codes single-use): a code without its {@code code_verifier} is refused, a code is redeemed once, and
 * a refresh token revoked at {@code /revoke} (RFC 7009) is refused afterwards. A route placed before the server's own;
 * every request it does not refuse goes on to the real server.
 */
public final class StrictAuthorization implements Route {
    private final Set<String> redeemed = ConcurrentHashMap.newKeySet();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    /** A mock-oauth2-server with these rules (not started). */
    public static MockOAuth2Server server() {
        return new MockOAuth2Server(new OAuth2Config(), new StrictAuthorization());
    }

    @Override
    public boolean match(OAuth2HttpRequest r) {
        if ("POST".equals(r.getMethod()) && r.getUrl().encodedPath().endsWith("/revoke")) {
            String token = r.getFormParameters().get("token");
            if (token != null) {
                revoked.add(token);
            }
            return false; // the server answers (and forgets the token itself)
        }
        String why = refusal(r);
        if (why != null) {
            return true;
        }
        // the first redemption of a code marks it (at once: of two at the same time, one is refused)
        return isToken(r) && "authorization_code".equals(r.getFormParameters().get("grant_type"))
                && !redeemed.add(r.getFormParameters().get("code"));
    }

    private static boolean isToken(OAuth2HttpRequest r) {
        return "POST".equals(r.getMethod()) && r.getUrl().encodedPath().endsWith("/token");
    }

    /** Why this request is refused; null: it goes on to the server. */
    private String refusal(OAuth2HttpRequest r) {
        if (!isToken(r)) {
            return null;
        }
        String grant = r.getFormParameters().get("grant_type");
        if ("authorization_code".equals(grant)) {
            String code = r.getFormParameters().get("code");
            if (r.getFormParameters().get("code_verifier") == null) {
                return "a code without its PKCE verifier";
            }
            if (code == null || redeemed.contains(code)) {
                return "a code redeemed before";
            }
        }
        if ("refresh_token".equals(grant) && revoked.contains(r.getFormParameters().get("refresh_token"))) {
            return "a revoked refresh token";
        }
        return null;
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest r) {
        String why = refusal(r);
        return OAuth2HttpResponseKt.oauth2Error(OAuth2Error.INVALID_GRANT.setDescription("refused: " + why));
    }
}
