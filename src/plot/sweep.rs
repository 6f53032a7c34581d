use super::{PlotError, PlotOptions};
use std::path::{Path, PathBuf};
pub(crate) fn plot_sweep_dir(_dir: &Path, _opts: &PlotOptions) -> Result<Vec<PathBuf>, PlotError> {
    Ok(vec![])
}
