//! Dense assignment: Jonker–Volgenant (LAPJV) on a full cost matrix, rectangular either way.

use serde::{Deserialize, Serialize};

use super::{Certificate, check_span};
use crate::MatchError;

/// Marks "no row" or "no column" in the solver's index arrays.
const NONE: usize = usize::MAX;

/// Augmenting row reduction may revisit a row many times when the cost decrease per step is tiny
/// (float costs); past this many steps per row it hands the remaining free rows to the shortest
/// path phase, which needs no such bound. Random integer problems use fewer than 3 per row.
const ARR_STEPS_PER_ROW: usize = 16;

/// A dense cost matrix: rows are tasks, columns are workers, every entry a finite number.
#[derive(Debug, Clone, PartialEq)]
pub struct CostMatrix {
    rows: usize,
    cols: usize,
    /// Row-major, `rows × cols`.
    costs: Vec<f64>,
}

impl CostMatrix {
    /// A `rows × cols` matrix from its entries in row-major order. Refuses an empty matrix, a
    /// length that is not `rows × cols`, NaN or infinite entries, and costs whose range is too
    /// wide to add up without overflow.
    pub fn new(rows: usize, cols: usize, costs: Vec<f64>) -> Result<Self, MatchError> {
        if rows == 0 || cols == 0 {
            return Err(MatchError::Empty(format!(
                "the cost matrix has {rows} rows and {cols} columns"
            )));
        }
        if rows.checked_mul(cols) != Some(costs.len()) {
            return Err(MatchError::Invalid(format!(
                "a {rows} × {cols} cost matrix needs {} entries, got {}",
                rows.saturating_mul(cols),
                costs.len()
            )));
        }
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for (k, &c) in costs.iter().enumerate() {
            if !c.is_finite() {
                return Err(MatchError::NotFinite {
                    what: format!("the cost at row {}, column {}", k / cols, k % cols),
                    value: c.to_string(),
                });
            }
            min = min.min(c);
            max = max.max(c);
        }
        check_span(min, max, rows + cols)?;
        Ok(Self { rows, cols, costs })
    }

    /// A matrix from its rows; refuses ragged rows (naming the first that differs from row 0) and
    /// everything [`CostMatrix::new`] refuses.
    pub fn from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Result<Self, MatchError> {
        let Some(first) = rows.first() else {
            return Err(MatchError::Empty("the cost matrix has no rows".to_owned()));
        };
        let cols = first.as_ref().len();
        let mut costs = Vec::with_capacity(rows.len().saturating_mul(cols));
        for (row, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            if r.len() != cols {
                return Err(MatchError::Ragged {
                    row,
                    expected: cols,
                    found: r.len(),
                });
            }
            costs.extend_from_slice(r);
        }
        Self::new(rows.len(), cols, costs)
    }

    /// Number of rows (tasks).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (workers).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The cost of giving `row` the worker `col`; `None` outside the matrix.
    pub fn get(&self, row: usize, col: usize) -> Option<f64> {
        if row < self.rows && col < self.cols {
            self.costs.get(row * self.cols + col).copied()
        } else {
            None
        }
    }

    /// One row's costs; `None` outside the matrix.
    pub fn row(&self, row: usize) -> Option<&[f64]> {
        self.costs.get(row * self.cols..(row + 1) * self.cols)
    }

    /// All entries, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.costs
    }

    /// Whether every entry is a whole number (so that totals print without a decimal point).
    pub fn all_integers(&self) -> bool {
        self.costs.iter().all(|c| c.fract() == 0.0)
    }

    /// The transpose, as a row-major vector (columns become rows).
    fn transposed(&self) -> Vec<f64> {
        // Blocked, so that both the reads and the writes stay within a few cache lines at a time.
        const B: usize = 32;
        let (n, m) = (self.rows, self.cols);
        let mut t = vec![0.0; n * m];
        for i0 in (0..n).step_by(B) {
            for j0 in (0..m).step_by(B) {
                for i in i0..(i0 + B).min(n) {
                    for j in j0..(j0 + B).min(m) {
                        t[j * n + i] = self.costs[i * m + j];
                    }
                }
            }
        }
        t
    }
}

/// An optimal dense assignment with the dual solution that proves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DenseAssignment {
    /// For each row, its column; `None` only when there are more rows than columns.
    pub row_to_col: Vec<Option<usize>>,
    /// The sum of the chosen entries: the least possible.
    pub total: f64,
    /// Dual value per row (`u`): `u[i] + v[j] ≤ cost[i][j]` everywhere, with equality on the
    /// chosen entries; `u[i] ≤ 0` when there are more rows than columns, and then 0 on rows left
    /// without a column.
    pub row_duals: Vec<f64>,
    /// Dual value per column (`v`); `v[j] ≤ 0` when there are more columns than rows, and then 0
    /// on columns left without a row.
    pub col_duals: Vec<f64>,
}

/// The assignment of least total cost on a dense matrix: every row gets a distinct column when
/// rows ≤ columns; otherwise every column gets a distinct row and the other rows get none.
///
/// Jonker–Volgenant (see the module documentation). A wide matrix is solved as it is; a tall one
/// is transposed first. Never panics or loops forever: every phase has a bound on its steps.
pub fn solve_dense(matrix: &CostMatrix) -> Result<DenseAssignment, MatchError> {
    let (rows, cols) = (matrix.rows, matrix.cols);
    if rows <= cols {
        let s = lapjv(&matrix.costs, rows, cols)?;
        let row_to_col: Vec<Option<usize>> = s.x.iter().map(|&j| Some(j)).collect();
        let total = total_of(matrix, &row_to_col);
        Ok(DenseAssignment {
            row_to_col,
            total,
            row_duals: s.u,
            col_duals: s.v,
        })
    } else {
        // Tall: solve the wide transpose, whose rows are our columns.
        let t = matrix.transposed();
        let s = lapjv(&t, cols, rows)?;
        let mut row_to_col = vec![None; rows];
        for (col, &row) in s.x.iter().enumerate() {
            row_to_col[row] = Some(col);
        }
        let total = total_of(matrix, &row_to_col);
        Ok(DenseAssignment {
            row_to_col,
            total,
            row_duals: s.v,
            col_duals: s.u,
        })
    }
}

fn total_of(matrix: &CostMatrix, row_to_col: &[Option<usize>]) -> f64 {
    row_to_col
        .iter()
        .enumerate()
        .filter_map(|(i, j)| j.and_then(|j| matrix.get(i, j)))
        .sum()
}

/// Checks that `solution` is a feasible assignment of `matrix` (each row at most one column,
/// each column at most one row, as many pairs as the smaller side) whose total is right, and
/// proves it optimal: from the solution's dual values it builds an exactly feasible dual solution
/// and compares the two objectives.
pub fn certify_dense(
    matrix: &CostMatrix,
    solution: &DenseAssignment,
) -> Result<Certificate, MatchError> {
    let (n, m) = (matrix.rows, matrix.cols);
    if solution.row_to_col.len() != n || solution.row_duals.len() != n {
        return Err(MatchError::Invalid(format!(
            "the solution has {} rows and {} row duals; the matrix has {n} rows",
            solution.row_to_col.len(),
            solution.row_duals.len()
        )));
    }
    if solution.col_duals.len() != m {
        return Err(MatchError::Invalid(format!(
            "the solution has {} column duals; the matrix has {m} columns",
            solution.col_duals.len()
        )));
    }
    let mut used = vec![false; m];
    let mut pairs = 0usize;
    let mut primal = 0.0;
    let mut magnitude = 0.0;
    for (i, j) in solution.row_to_col.iter().enumerate() {
        let Some(j) = *j else { continue };
        let Some(c) = matrix.get(i, j) else {
            return Err(MatchError::Invalid(format!(
                "row {i} is given column {j}, outside the matrix"
            )));
        };
        if std::mem::replace(&mut used[j], true) {
            return Err(MatchError::Invalid(format!(
                "column {j} is given to more than one row"
            )));
        }
        pairs += 1;
        primal += c;
        magnitude += c.abs();
    }
    if pairs != n.min(m) {
        return Err(MatchError::Invalid(format!(
            "{pairs} rows are assigned; an assignment of a {n} × {m} matrix has {}",
            n.min(m)
        )));
    }
    if (primal - solution.total).abs() > 1e-9 * (1.0 + magnitude) {
        return Err(MatchError::Invalid(format!(
            "the solution's total {} is not the sum of its entries, {primal}",
            solution.total
        )));
    }
    // Keep the duals of the side that may be left partly unmatched (which must be ≤ 0), and
    // complete them with the best feasible duals of the other side: a feasible dual solution
    // whatever the solver returned, so its objective is a true lower bound.
    let finite = |x: &f64| x.is_finite();
    if !solution.row_duals.iter().all(finite) || !solution.col_duals.iter().all(finite) {
        return Err(MatchError::Invalid("a dual value is not finite".to_owned()));
    }
    let mut dual = 0.0;
    if n <= m {
        let v: Vec<f64> = if n < m {
            solution.col_duals.iter().map(|&v| v.min(0.0)).collect()
        } else {
            solution.col_duals.clone()
        };
        for i in 0..n {
            let row = &matrix.costs[i * m..(i + 1) * m];
            let u = row
                .iter()
                .zip(&v)
                .map(|(c, v)| c - v)
                .fold(f64::INFINITY, f64::min);
            dual += u;
            magnitude += u.abs();
        }
        for v in &v {
            dual += v;
            magnitude += v.abs();
        }
    } else {
        let u: Vec<f64> = solution.row_duals.iter().map(|&u| u.min(0.0)).collect();
        let mut v = vec![f64::INFINITY; m];
        for (i, u) in u.iter().enumerate() {
            let row = &matrix.costs[i * m..(i + 1) * m];
            for (v, c) in v.iter_mut().zip(row) {
                *v = v.min(c - u);
            }
        }
        for x in u.iter().chain(&v) {
            dual += x;
            magnitude += x.abs();
        }
    }
    Certificate::check(primal, dual, magnitude)
}

/// A solution of the wide problem: every row assigned.
struct Solved {
    /// Column of each row.
    x: Vec<usize>,
    u: Vec<f64>,
    v: Vec<f64>,
}

/// LAPJV on a row-major `n × m` matrix with `1 ≤ n ≤ m`: assigns every row a distinct column at
/// least total cost and returns duals `u`, `v` with `c[i][j] − u[i] − v[j] ≥ 0` everywhere, zero
/// on the chosen entries, and (when `n < m`) `v ≤ 0`, zero on unchosen columns.
///
/// Invariant between phases: every assigned row `i` sits on a column that minimises
/// `c[i][j] − v[j]` over all `j`, and (when `n < m`) every column with `v[j] < 0` is assigned.
/// Then `u[i] = c[i][x[i]] − v[x[i]]` makes the duals feasible and complementary.
fn lapjv(c: &[f64], n: usize, m: usize) -> Result<Solved, MatchError> {
    debug_assert!(n >= 1 && n <= m && c.len() == n * m);
    let mut x = vec![NONE; n];
    let mut y = vec![NONE; m];
    let mut free: Vec<usize>;
    let mut v: Vec<f64>;
    if m == 1 {
        // 1 × 1: nothing to choose (and no second-best column for the reductions below).
        x[0] = 0;
        y[0] = 0;
        v = vec![0.0];
        free = Vec::new();
    } else if n == m {
        v = column_reduction(c, n, &mut x, &mut y);
        free = reduction_transfer(c, n, &x, &mut v);
    } else {
        // Wide: column reduction would give unassigned columns a non-zero price, which the
        // rectangular optimality conditions forbid. Start from zero prices; augmenting row
        // reduction gives each row its cheapest free column first.
        v = vec![0.0; m];
        free = (0..n).collect();
    }
    if !free.is_empty() {
        free = augmenting_row_reduction(c, m, &mut x, &mut y, &mut v, free);
    }
    augment(c, m, &mut x, &mut y, &mut v, &free)?;
    let mut u = vec![0.0; n];
    for i in 0..n {
        let j = x[i];
        if j == NONE {
            return Err(internal("a row was left unassigned"));
        }
        u[i] = c[i * m + j] - v[j];
    }
    Ok(Solved { x, u, v })
}

fn internal(what: &str) -> MatchError {
    MatchError::Invalid(format!("internal error in the assignment solver: {what}"))
}

/// Square only. Each column's price is its minimum; a column is given to the row where that
/// minimum is, when the row has no column yet (scanning columns last to first, as JV do: it gives
/// better starts on typical matrices). Returns the prices.
fn column_reduction(c: &[f64], n: usize, x: &mut [usize], y: &mut [usize]) -> Vec<f64> {
    // Column minima in one row-major pass: a column-wise scan would miss the cache on every entry.
    let mut v = c[..n].to_vec();
    let mut argmin = vec![0usize; n];
    for i in 1..n {
        let row = &c[i * n..(i + 1) * n];
        for ((v, a), &cij) in v.iter_mut().zip(argmin.iter_mut()).zip(row) {
            if cij < *v {
                *v = cij;
                *a = i;
            }
        }
    }
    let mut matches = vec![0u32; n];
    for j in (0..n).rev() {
        let i = argmin[j];
        matches[i] += 1;
        if matches[i] == 1 {
            x[i] = j;
            y[j] = i;
        } else if v[j] < v[x[i]] {
            // The row prefers this column; the one it held goes back to the pool.
            let j1 = x[i];
            x[i] = j;
            y[j] = i;
            y[j1] = NONE;
        }
    }
    v
}

/// Square only, after column reduction. An assigned row moves its slack (how much dearer its
/// second-best column is) onto its column's price, so that the column is less attractive to free
/// rows and the row's own dual grows; rows with no column are returned as free. (JV do this only
/// for rows that were the minimum of exactly one column; for the others the slack is 0, so the
/// step changes nothing and is skipped implicitly.)
fn reduction_transfer(c: &[f64], n: usize, x: &[usize], v: &mut [f64]) -> Vec<usize> {
    let mut free = Vec::new();
    for i in 0..n {
        let j1 = x[i];
        if j1 == NONE {
            free.push(i);
            continue;
        }
        let row = &c[i * n..(i + 1) * n];
        let mut min = f64::INFINITY;
        for (j, (&cij, &vj)) in row.iter().zip(v.iter()).enumerate() {
            let h = cij - vj;
            if h < min && j != j1 {
                min = h;
            }
        }
        if min.is_finite() {
            v[j1] -= min;
        }
    }
    free
}

/// JV's augmenting row reduction, two passes: each free row takes its cheapest column (by
/// `c − v`), lowering that column's price by the gap to its second cheapest so that the row stays
/// on its cheapest; the row it displaces is retried at once when the price fell, else in the next
/// pass. Returns the rows still free.
fn augmenting_row_reduction(
    c: &[f64],
    m: usize,
    x: &mut [usize],
    y: &mut [usize],
    v: &mut [f64],
    mut free: Vec<usize>,
) -> Vec<usize> {
    let mut budget = ARR_STEPS_PER_ROW.saturating_mul(x.len());
    for _pass in 0..2 {
        let mut list = std::mem::take(&mut free);
        let mut k = 0;
        while k < list.len() {
            if budget == 0 {
                // Hand the rest to the shortest path phase.
                free.extend_from_slice(&list[k..]);
                break;
            }
            budget -= 1;
            let i = list[k];
            k += 1;
            let row = &c[i * m..(i + 1) * m];
            // Cheapest (umin at j1) and second cheapest (usub at j2) reduced costs.
            let (mut umin, mut j1) = (row[0] - v[0], 0);
            let (mut usub, mut j2) = (f64::INFINITY, NONE);
            for j in 1..m {
                let h = row[j] - v[j];
                if h < usub {
                    if h >= umin {
                        usub = h;
                        j2 = j;
                    } else {
                        usub = umin;
                        j2 = j1;
                        umin = h;
                        j1 = j;
                    }
                }
            }
            let mut i0 = y[j1];
            let lowered = umin < usub;
            if lowered {
                v[j1] -= usub - umin;
            } else if i0 != NONE && j2 != NONE {
                // A tie: take the second column instead, which may be free.
                j1 = j2;
                i0 = y[j2];
            }
            x[i] = j1;
            y[j1] = i;
            if i0 != NONE {
                x[i0] = NONE;
                if lowered {
                    // Retry the displaced row now, in the slot just used.
                    k -= 1;
                    list[k] = i0;
                } else {
                    free.push(i0);
                }
            }
        }
    }
    free
}

/// JV's augmentation: for each free row, a Dijkstra search over columns on reduced costs until a
/// free column is reached; then the prices of the columns scanned are updated and the path is
/// flipped.
///
/// As in JV's code, all columns at the current least distance form a batch, scanned together
/// (integer costs tie a lot), and a free column at that distance ends the search. One change:
/// the relaxation pass that empties a batch also finds the nearest remaining column; when no
/// other column ties with it, it is the next batch, and the separate pass JV make to find the
/// next batch is skipped. On costs without ties (floats, structured matrices) that halves the
/// passes over the columns; with ties the order of scanning, and so the work, is JV's.
fn augment(
    c: &[f64],
    m: usize,
    x: &mut [usize],
    y: &mut [usize],
    v: &mut [f64],
    free: &[usize],
) -> Result<(), MatchError> {
    let mut d = vec![0.0f64; m];
    let mut pred = vec![0usize; m];
    let mut cols: Vec<usize> = (0..m).collect();
    for &f in free {
        let row = &c[f * m..(f + 1) * m];
        for (j, ((dj, pj), (&cfj, &vj))) in d
            .iter_mut()
            .zip(pred.iter_mut())
            .zip(row.iter().zip(v.iter()))
            .enumerate()
        {
            *dj = cfj - vj;
            *pj = f;
            cols[j] = j;
        }
        // cols[..low]: scanned; cols[low..up]: at distance `min`, to scan; cols[up..]: the rest.
        let (mut low, mut up) = (0usize, 0usize);
        let mut min = 0.0;
        // The nearest remaining column, when the last pass found it without a tie.
        let mut lone: Option<(f64, usize)> = None;
        let end: usize;
        'search: loop {
            if up == low {
                if up >= m {
                    return Err(internal("no free column was reachable"));
                }
                if let Some((best, k)) = lone.take() {
                    min = best;
                    let j = cols[k];
                    cols.swap(k, up);
                    up += 1;
                    if y[j] == NONE {
                        end = j;
                        break 'search;
                    }
                } else {
                    // The next batch: every remaining column at the least distance.
                    min = d[cols[up]];
                    up += 1;
                    // `up` moves as columns join; the range was fixed when the loop began.
                    let rest = up;
                    for k in rest..m {
                        let j = cols[k];
                        let h = d[j];
                        if h <= min {
                            if h < min {
                                up = low;
                                min = h;
                            }
                            cols[k] = cols[up];
                            cols[up] = j;
                            up += 1;
                        }
                    }
                    for &j in &cols[low..up] {
                        if y[j] == NONE {
                            end = j;
                            break 'search;
                        }
                    }
                }
            }
            // Scan one column of the batch: relax through the row that holds it.
            let j1 = cols[low];
            low += 1;
            let i = y[j1];
            if i == NONE {
                return Err(internal("a scanned column has no row"));
            }
            let rowi = &c[i * m..(i + 1) * m];
            let h = rowi[j1] - v[j1] - min;
            // `up` moves as columns join the batch; the range is fixed when each loop begins.
            let rest = up;
            if low < up {
                for k in rest..m {
                    let j = cols[k];
                    let dj = rowi[j] - v[j] - h;
                    if dj < d[j] {
                        pred[j] = i;
                        if dj == min {
                            if y[j] == NONE {
                                end = j;
                                break 'search;
                            }
                            cols[k] = cols[up];
                            cols[up] = j;
                            up += 1;
                        }
                        d[j] = dj;
                    }
                }
            } else {
                // The batch's last column: also look for the nearest remaining one.
                let (mut best, mut at, mut ties) = (f64::INFINITY, NONE, 0usize);
                for k in rest..m {
                    let j = cols[k];
                    let mut dj = rowi[j] - v[j] - h;
                    if dj < d[j] {
                        pred[j] = i;
                        if dj == min {
                            if y[j] == NONE {
                                end = j;
                                break 'search;
                            }
                            cols[k] = cols[up];
                            cols[up] = j;
                            up += 1;
                            d[j] = dj;
                            continue;
                        }
                        d[j] = dj;
                    } else {
                        dj = d[j];
                    }
                    if dj <= best {
                        if dj < best {
                            best = dj;
                            at = k;
                            ties = 0;
                        } else {
                            ties += 1;
                        }
                    }
                }
                // Valid only if nothing joined the batch (which moves columns around).
                if low == up && ties == 0 && at != NONE {
                    lone = Some((best, at));
                }
            }
        }
        // Scanned columns get cheaper by how much closer they were than the free column; this
        // keeps every reduced cost non-negative and makes the path's edges tight.
        for &j in &cols[..low] {
            v[j] += d[j] - min;
        }
        // Flip the path from the free column back to the free row.
        let mut j = end;
        for _ in 0..=x.len() {
            let i = pred[j];
            y[j] = i;
            let next = x[i];
            x[i] = j;
            if i == f {
                break;
            }
            j = next;
            if j == NONE {
                return Err(internal("a broken augmenting path"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn empty_matrices_are_refused() {
        assert!(matches!(
            CostMatrix::new(0, 3, vec![]),
            Err(MatchError::Empty(_))
        ));
        assert!(matches!(
            CostMatrix::from_rows::<Vec<f64>>(&[]),
            Err(MatchError::Empty(_))
        ));
        assert!(matches!(
            CostMatrix::from_rows(&[Vec::<f64>::new()]),
            Err(MatchError::Empty(_))
        ));
    }

    #[test]
    fn ragged_rows_are_named() {
        let e = CostMatrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0]]).unwrap_err();
        assert_eq!(
            e,
            MatchError::Ragged {
                row: 2,
                expected: 2,
                found: 1
            }
        );
    }

    #[test]
    fn wrong_length_is_refused() {
        assert!(matches!(
            CostMatrix::new(2, 2, vec![1.0; 3]),
            Err(MatchError::Invalid(_))
        ));
        assert!(matches!(
            CostMatrix::new(usize::MAX, 2, vec![1.0; 3]),
            Err(MatchError::Invalid(_))
        ));
    }

    #[test]
    fn nan_and_infinity_are_named_by_position() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = CostMatrix::new(2, 2, vec![1.0, 2.0, 3.0, bad]).unwrap_err();
            match e {
                MatchError::NotFinite { what, .. } => {
                    assert_eq!(what, "the cost at row 1, column 1")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn costs_too_far_apart_are_refused() {
        let e = CostMatrix::new(1, 2, vec![-1e308, 1e308]).unwrap_err();
        assert!(matches!(e, MatchError::Invalid(_)), "{e:?}");
        // Large enough that a total could overflow.
        let e = CostMatrix::new(2, 2, vec![1e308; 4]).unwrap_err();
        assert!(matches!(e, MatchError::Invalid(_)), "{e:?}");
        // Large, but far from overflowing, is fine.
        let m = CostMatrix::new(1, 2, vec![1e290, 1e290]).unwrap();
        assert_eq!(solve_dense(&m).unwrap().total, 1e290);
    }

    #[test]
    fn one_by_one() {
        let m = CostMatrix::new(1, 1, vec![-7.5]).unwrap();
        let s = solve_dense(&m).unwrap();
        assert_eq!(s.row_to_col, vec![Some(0)]);
        assert_eq!(s.total, -7.5);
        certify_dense(&m, &s).unwrap();
    }

    #[test]
    fn a_known_square_problem() {
        let m =
            CostMatrix::from_rows(&[[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]]).unwrap();
        let s = solve_dense(&m).unwrap();
        assert_eq!(s.row_to_col, vec![Some(1), Some(0), Some(2)]);
        assert_eq!(s.total, 5.0);
        certify_dense(&m, &s).unwrap();
    }

    #[test]
    fn tall_matrices_leave_rows_without_a_column() {
        let m = CostMatrix::from_rows(&[[5.0], [1.0], [3.0]]).unwrap();
        let s = solve_dense(&m).unwrap();
        assert_eq!(s.row_to_col, vec![None, Some(0), None]);
        assert_eq!(s.total, 1.0);
        certify_dense(&m, &s).unwrap();
    }

    #[test]
    fn wide_matrices_give_every_row_a_column() {
        let m = CostMatrix::from_rows(&[[5.0, 1.0, 9.0, 0.5], [4.0, 1.0, 2.0, 0.0]]).unwrap();
        let s = solve_dense(&m).unwrap();
        assert_eq!(s.row_to_col, vec![Some(1), Some(3)]);
        assert_eq!(s.total, 1.0);
        certify_dense(&m, &s).unwrap();
    }

    #[test]
    fn certification_catches_a_suboptimal_answer() {
        let m = CostMatrix::from_rows(&[[1.0, 2.0], [2.0, 1.0]]).unwrap();
        let mut s = solve_dense(&m).unwrap();
        s.row_to_col = vec![Some(1), Some(0)];
        s.total = 4.0;
        assert!(matches!(certify_dense(&m, &s), Err(MatchError::Invalid(_))));
        s.row_to_col = vec![Some(0), Some(0)];
        s.total = 3.0;
        assert!(matches!(certify_dense(&m, &s), Err(MatchError::Invalid(_))));
    }

    #[test]
    fn all_integers_is_exact() {
        assert!(
            CostMatrix::from_rows(&[[1.0, -2.0]])
                .unwrap()
                .all_integers()
        );
        assert!(!CostMatrix::from_rows(&[[1.5, 2.0]]).unwrap().all_integers());
    }
}
