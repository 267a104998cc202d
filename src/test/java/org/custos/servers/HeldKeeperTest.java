package org.custos.servers;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A new sign-in's refresh token is kept only once it is known to be a staff sign-in; a patient's never is. */
class HeldKeeperTest {
    @Test
    void aStaffSignInKeepsItsTokenAndAPatientsNeverReachesTheKeyring() {
        List<String> kept = new ArrayList<>();
        SignInModel.HeldKeeper staff = new SignInModel.HeldKeeper(kept::add);
        staff.accept("refresh-1");
        assertThat(kept).as("held until it is known whose").isEmpty();
        staff.release();
        staff.accept("refresh-2"); // rotated later
        assertThat(kept).containsExactly("refresh-1", "refresh-2");

        List<String> patientKept = new ArrayList<>();
        SignInModel.HeldKeeper patient = new SignInModel.HeldKeeper(patientKept::add);
        patient.accept("patient-refresh");
        patient.drop();
        patient.accept(null); // the sign-out that follows
        patient.accept("rotated");
        assertThat(patientKept).isEmpty();
    }

    @Test
    void aSignInWithoutARefreshTokenStillForgetsAnEarlierOne() {
        List<String> kept = new ArrayList<>();
        SignInModel.HeldKeeper k = new SignInModel.HeldKeeper(kept::add);
        k.accept(null);
        k.release();
        assertThat(kept).as("null reaches the store: it removes an earlier kept token").containsExactly((String) null);
        List<String> untouched = new ArrayList<>();
        new SignInModel.HeldKeeper(untouched::add).release();
        assertThat(untouched).as("nothing said, nothing passed on").isEmpty();
    }
}
