/*
 * cvode_stiff.c - SUNDIALS CVODE (6.x) on the stiff problems of node-benchmarks' StiffWorkPrecision
 * and StiffCvodeCompare, for node-benchmarks/scripts/cvode_compare.sh. Not part of the Maven build.
 *
 * CVODE as configured here: BDF (variable order 1-5, CVODE's defaults), the default Newton nonlinear
 * solver, a dense Newton matrix (SUNDenseMatrix + SUNLinSol_Dense) and CVODE's own difference-quotient
 * Jacobian (no user Jacobian); scalar rtol/atol; CVodeSetStopTime(t1) so that the last step ends on t1.
 *
 * Problems (the same right-hand sides, initial values and end times as the Java side):
 *   ROBER  Robertson's kinetics on [0, 1e5]
 *   HIRES  Schaefer's HIRES on [0, 321.8122]
 *   VDP    Van der Pol in the scaled form y1' = y2, y2' = ((1 - y1^2) y2 - y1) / eps, eps = 1e-6
 *          (mu = 1e3 in the time-scaled form), y(0) = (2, -2/3), on [0, 2]
 *   OREGO  the Oregonator on [0, 360]
 * at rtol 1e-6 / atol 1e-10 and rtol 1e-8 / atol 1e-12 (the stiff table of REFERENCE.md).
 *
 * Time per solve: thread CPU time (CLOCK_THREAD_CPUTIME_ID) of the whole solve including setup and
 * teardown (context, vectors, matrix, solver), after warm-up solves; the median over 7 batches, each
 * batch long enough (>= 0.15 s) that the clock's resolution does not matter.
 *
 * Output: one tab-separated line per problem and tolerance:
 *   CVODE <problem> <rtol> <atol> <ms/solve> <steps> <rhs evals> <rhs evals for the DQ Jacobian>
 *         <Jacobian evals> <error test failures> <Newton its> <mixed error> <digits>
 * mixed error = max_i |y_i - ref_i| / (atol/rtol + |ref_i|); digits = -log10 max_i |y_i - ref_i| / |ref_i|.
 *
 * Build: cc -O2 -o cvode_stiff cvode_stiff.c -lsundials_cvode -lsundials_nvecserial -lm
 * (Debian: apt-get install libsundials-dev).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

static int rober(realtype t, N_Vector yv, N_Vector dv, void *ud) {
    const realtype *y = N_VGetArrayPointer(yv);
    realtype *d = N_VGetArrayPointer(dv);
    (void) t; (void) ud;
    d[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
    d[2] = 3e7 * y[1] * y[1];
    d[1] = -d[0] - d[2];
    return 0;
}

static int hires(realtype t, N_Vector yv, N_Vector fv, void *ud) {
    const realtype *y = N_VGetArrayPointer(yv);
    realtype *f = N_VGetArrayPointer(fv);
    (void) t; (void) ud;
    f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
    f[1] = 1.71 * y[0] - 8.75 * y[1];
    f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
    f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
    f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
    f[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
    f[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
    f[7] = -f[6];
    return 0;
}

static int vdp(realtype t, N_Vector yv, N_Vector dv, void *ud) {
    const realtype *y = N_VGetArrayPointer(yv);
    realtype *d = N_VGetArrayPointer(dv);
    (void) t; (void) ud;
    d[0] = y[1];
    d[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / 1e-6;
    return 0;
}

static int orego(realtype t, N_Vector yv, N_Vector dv, void *ud) {
    const realtype *y = N_VGetArrayPointer(yv);
    realtype *d = N_VGetArrayPointer(dv);
    (void) t; (void) ud;
    d[0] = 77.27 * (y[1] + y[0] * (1 - 8.375e-6 * y[0] - y[1]));
    d[1] = (y[2] - (1 + y[0]) * y[1]) / 77.27;
    d[2] = 0.161 * (y[0] - y[2]);
    return 0;
}

typedef struct {
    const char *name;
    CVRhsFn f;
    int n;
    double y0[8];
    double t1;
    /* End-point references copied from node-solvers/src/test/java/dev/neuralode/solvers/implicit/
     * StiffProblemsTest.java (ROBER_1E5, HIRES_END, VDP_END, OREGO_END), which the Java tests and
     * StiffWorkPrecision use: scipy 1.17.1 Radau at rtol 1e-12, agreeing with LSODA to 7e-13 (ROBER),
     * 1.4e-13 (HIRES), 1.0e-11 (VDP), 2.5e-10 (OREGO); node-solvers/scripts/stiff_references.py. */
    double ref[8];
} problem;

static const problem PROBLEMS[] = {
    {"ROBER", rober, 3, {1, 0, 0}, 1e5,
     {0.017865921142100068, 7.274751468436588e-08, 0.9821340061103828}},
    {"HIRES", hires, 8, {1, 0, 0, 0, 0, 0, 0, 0.0057}, 321.8122,
     {0.0007371312573325646, 0.00014424857263161805, 5.8887297409675386e-05, 0.0011756513432831447,
      0.0023863561988312775, 0.006238968252742645, 0.0028499983951857325, 0.0028500016048142547}},
    {"VDP", vdp, 2, {2, -2.0 / 3}, 2, {1.7061674345671218, -0.8928100197382782}},
    {"OREGO", orego, 3, {1, 2, 3}, 360, {1.0008148703185227, 1228.178521549886, 132.0554942846542}},
};

typedef struct {
    long steps, nfe, nfeLS, nje, netf, nni;
    double y[8];
} result;

static void check(int flag, const char *what, const char *problem_name) {
    if (flag < 0) {
        fprintf(stderr, "cvode_stiff: %s failed with flag %d on %s\n", what, flag, problem_name);
        exit(1);
    }
}

/* One complete solve, setup to teardown. */
static void solve(const problem *p, double rtol, double atol, result *r) {
    SUNContext ctx;
    check(SUNContext_Create(NULL, &ctx), "SUNContext_Create", p->name);
    N_Vector y = N_VNew_Serial(p->n, ctx);
    for (int i = 0; i < p->n; i++) NV_Ith_S(y, i) = p->y0[i];
    void *mem = CVodeCreate(CV_BDF, ctx);
    check(CVodeInit(mem, p->f, 0.0, y), "CVodeInit", p->name);
    check(CVodeSStolerances(mem, rtol, atol), "CVodeSStolerances", p->name);
    check(CVodeSetMaxNumSteps(mem, 1000000), "CVodeSetMaxNumSteps", p->name);
    check(CVodeSetStopTime(mem, p->t1), "CVodeSetStopTime", p->name);
    SUNMatrix A = SUNDenseMatrix(p->n, p->n, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
    check(CVodeSetLinearSolver(mem, LS, A), "CVodeSetLinearSolver", p->name);
    realtype t = 0;
    check(CVode(mem, p->t1, y, &t, CV_NORMAL), "CVode", p->name);
    CVodeGetNumSteps(mem, &r->steps);
    CVodeGetNumRhsEvals(mem, &r->nfe);
    CVodeGetNumLinRhsEvals(mem, &r->nfeLS);
    CVodeGetNumJacEvals(mem, &r->nje);
    CVodeGetNumErrTestFails(mem, &r->netf);
    CVodeGetNumNonlinSolvIters(mem, &r->nni);
    for (int i = 0; i < p->n; i++) r->y[i] = NV_Ith_S(y, i);
    CVodeFree(&mem);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    N_VDestroy(y);
    SUNContext_Free(&ctx);
}

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const double tols[][2] = {{1e-6, 1e-10}, {1e-8, 1e-12}};
    const char *only = argc > 1 ? argv[1] : NULL; /* optional problem name */
    int found = 0;
    for (size_t k = 0; k < sizeof PROBLEMS / sizeof PROBLEMS[0]; k++) {
        const problem *p = &PROBLEMS[k];
        if (only && strcmp(only, p->name) != 0) continue;
        found = 1;
        for (int j = 0; j < 2; j++) {
            double rtol = tols[j][0], atol = tols[j][1];
            result r;
            /* warm-up (caches, page faults, the allocator), and the batch size for >= 0.15 s */
            long reps = 0;
            double c0 = cpu_seconds();
            while (cpu_seconds() - c0 < 0.15) { solve(p, rtol, atol, &r); reps++; }
            double per[7];
            for (int b = 0; b < 7; b++) {
                double s0 = cpu_seconds();
                for (long i = 0; i < reps; i++) solve(p, rtol, atol, &r);
                per[b] = (cpu_seconds() - s0) / reps;
            }
            qsort(per, 7, sizeof per[0], cmp_double);
            double mixed = 0, rel = 0;
            for (int i = 0; i < p->n; i++) {
                double e = fabs(r.y[i] - p->ref[i]);
                mixed = fmax(mixed, e / (atol / rtol + fabs(p->ref[i])));
                rel = fmax(rel, e / fabs(p->ref[i]));
            }
            printf("CVODE\t%s\t%.0e\t%.0e\t%.4f\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%.2e\t%.1f\n", p->name, rtol, atol,
                   per[3] * 1e3, r.steps, r.nfe, r.nfeLS, r.nje, r.netf, r.nni, mixed, -log10(rel));
            fflush(stdout);
        }
    }
    if (!found) {
        fprintf(stderr, "cvode_stiff: unknown problem '%s'; valid: ROBER HIRES VDP OREGO\n", only);
        return 2;
    }
    return 0;
}
