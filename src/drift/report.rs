//! How a drift report is shown: the human table and the JSON document.

use super::{DriftReport, MigrationDrift, AGAINST_LOCK};
use crate::migrations::short_checksum;
use crate::output;
use comfy_table::ContentArrangement;

impl MigrationDrift {
    /// The table's `expected` and `actual` cells.
    fn cells(&self) -> (String, String) {
        fn short(c: &Option<String>) -> &str {
            c.as_deref().map_or("-", short_checksum)
        }
        match (self.against, self.state) {
            (_, "edited") => (
                format!(
                    "{} checksum {}",
                    if self.against == AGAINST_LOCK {
                        "bmdb.lock"
                    } else {
                        "applied"
                    },
                    short(&self.recorded_checksum)
                ),
                format!("file checksum {}", short(&self.file_checksum)),
            ),
            (AGAINST_LOCK, "missing") => ("in bmdb.lock".into(), "file missing".into()),
            (AGAINST_LOCK, state) => ("not in bmdb.lock".into(), format!("{state} file")),
            (_, state) => ("applied".into(), state.to_string()),
        }
    }
}

impl DriftReport {
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = serde_json::json!({
            "version": crate::JSON_VERSION,
            "clean": self.clean(),
            "categories": {
                "model_vs_migrations": { "clean": self.unwritten.is_empty(), "changes": self.unwritten },
                "migrations_vs_history": { "clean": self.migrations.is_empty(), "migrations": self.migrations },
                "live_vs_model": { "clean": self.live.is_empty(), "differences": self.live },
            },
            "catalog_queries": self.stats.queries,
            "skipped": self.stats.skipped,
        });
        if let Some(r) = &self.placement_rules {
            json["placement_rules"] = serde_json::json!({
                "version": r.version,
                "source": r.source,
                "note": self.version_note,
            });
        }
        json
    }

    /// The human report: one line per category, then a table of what differs.
    pub fn to_table(&self, verbose: bool) -> String {
        let mut out = String::new();
        let mark = |clean: bool| {
            if clean {
                output::good("clean")
            } else {
                output::danger("DRIFT")
            }
        };
        out.push_str(&format!(
            "model vs migrations:   {} ({})\n",
            mark(self.unwritten.is_empty()),
            output::count(
                self.unwritten.len(),
                "unwritten change",
                "unwritten changes"
            )
        ));
        out.push_str(&format!(
            "migrations vs history: {} ({})\n",
            mark(self.migrations.is_empty()),
            output::count(
                self.migrations.len(),
                "migration finding",
                "migration findings"
            )
        ));
        out.push_str(&format!(
            "live schema vs model:  {} ({})\n",
            mark(self.live.is_empty()),
            output::count(self.live.len(), "difference", "differences")
        ));
        if !self.clean() {
            let mut t = output::table();
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_header(["category", "object", "what", "expected (model)", "actual"]);
            for c in &self.unwritten {
                t.add_row([
                    "model vs migrations",
                    &c.object,
                    c.kind,
                    "in the model",
                    "not in any migration",
                ]);
            }
            for m in &self.migrations {
                let (expected, actual) = m.cells();
                let what = if m.against == AGAINST_LOCK {
                    "file vs bmdb.lock"
                } else {
                    "migration"
                };
                t.add_row([
                    "migrations vs history".to_string(),
                    format!("V{} {}", m.version, m.name),
                    what.to_string(),
                    expected,
                    actual,
                ]);
            }
            for d in &self.live {
                t.add_row(["live vs model", &d.object, &d.what, &d.expected, &d.actual]);
            }
            out.push_str(&format!("{t}\n"));
        }
        if let Some(r) = &self.placement_rules {
            out.push_str(&format!("zones normalised by the {r}\n"));
        }
        if let Some(note) = &self.version_note {
            out.push_str(&format!("{note}\n"));
        }
        if verbose || !self.stats.skipped.is_empty() {
            out.push_str(&format!("catalog read in {} queries\n", self.stats.queries));
            for s in &self.stats.skipped {
                out.push_str(&format!("not modelled: {s}\n"));
            }
        }
        for finding in &self.lock_findings {
            out.push_str(&format!("{finding}\n"));
        }
        out.push_str(&if self.clean() {
            format!("{}\n", output::good("No drift."))
        } else {
            format!("{} `bmdb plan` writes unwritten changes, `bmdb apply` runs pending migrations, `bmdb plan --url` shows the repair of the live schema.\n", output::danger("Drift found:"))
        });
        out
    }
}
