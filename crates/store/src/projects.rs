//! Projects: a client describes a problem, Guild deconstructs it into draft tasks (with the
//! skills each needs, its AI exposure and whether it needs presence), the client edits them,
//! then publishes them, openly (matched to every worker) or to invited workers only.

use crate::areas::Work;
use guild_extraction::drafts::DraftTask;
use guild_ids::{AccountId, ProjectId};
use guild_matching::{
    Audience, ProblemStatement, ProjectStatus, ProjectTitle, Task, TaskId, TaskStatus,
};
use serde::Serialize;

use crate::matching::{TaskExtras, insert_task};
use crate::sql::{Tx, first};
use crate::{StoreError, StoredTask};

use guild_matching::project::{ProjectRefusal, check_task_count};

/// A project's task as its owner sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectTask {
    /// The task (edit it with `PUT /api/v1/tasks/{id}`).
    pub task: Task,
    /// `draft`, `open`, `invited` or `closed`.
    pub status: TaskStatus,
    /// AI exposure 0–1 as deconstruction judged it (none for tasks added by hand).
    pub ai_exposure: Option<f64>,
    /// Whether it needs physical presence (`false`: it can be done remotely).
    pub physical: Option<bool>,
}

/// A project.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectView {
    /// Its id.
    pub id: ProjectId,
    /// The client's account.
    pub owner: AccountId,
    /// Its title.
    pub title: String,
    /// The problem as the client described it.
    pub problem: String,
    /// `draft` (tasks being edited), `published` or `closed`.
    pub status: ProjectStatus,
    /// Its tasks, in order.
    pub tasks: Vec<ProjectTask>,
    /// Parts of the description that became no task, because Guild found no skill in them
    /// (only when the project is made).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unplaced: Vec<String>,
    /// When it was made.
    pub created_at: String,
}

fn load(tx: &mut dyn Tx, id: ProjectId) -> Result<ProjectView, StoreError> {
    let rows = tx.query(
        "SELECT id, owner_id, title, problem, status, created_at FROM projects WHERE id = $1",
        &[id.into()],
    )?;
    let r = rows.first().ok_or_else(|| StoreError::NotFound {
        what: "project",
        id: id.to_string(),
    })?;
    let tasks = crate::matching::load_tasks(tx, "WHERE project_id = $1 ORDER BY id", &[id.into()])?
        .into_iter()
        .map(|t: StoredTask| ProjectTask {
            task: t.task,
            status: t.status,
            ai_exposure: t.ai_exposure,
            physical: t.physical,
        })
        .collect();
    Ok(ProjectView {
        id: r.id("id")?,
        owner: r.id("owner_id")?,
        title: r.text("title")?.to_owned(),
        problem: r.text("problem")?.to_owned(),
        status: ProjectStatus::parse(r.text("status")?).map_err(crate::matching::bad)?,
        tasks,
        unplaced: Vec::new(),
        created_at: r.text("created_at")?.to_owned(),
    })
}

/// Records that the tasks of project `id` changed (published or closed), for matching.
fn project_tasks_changed(tx: &mut dyn Tx, id: ProjectId) -> Result<(), StoreError> {
    let tasks: Vec<TaskId> = tx
        .query(
            "SELECT id FROM work_tasks WHERE project_id = $1",
            &[id.into()],
        )?
        .iter()
        .map(|r| r.id("id"))
        .collect::<Result<_, _>>()?;
    crate::matching::record(tx, crate::matching::Changed::Tasks(&tasks))
}

/// Locks `owner`'s project `id` (so that publishing and editing do not interleave) and
/// returns its status; another account's project is `NotFound`.
fn lock_own(tx: &mut dyn Tx, id: ProjectId, owner: AccountId) -> Result<ProjectStatus, StoreError> {
    let now = tx.now().to_string();
    if tx.execute(
        "UPDATE projects SET updated_at = $1 WHERE id = $2 AND owner_id = $3",
        &[now.into(), id.into(), owner.into()],
    )? == 0
    {
        return Err(StoreError::NotFound {
            what: "project",
            id: id.to_string(),
        });
    }
    tx.query("SELECT status FROM projects WHERE id = $1", &[id.into()])?
        .first()
        .map(|r| ProjectStatus::parse(r.text("status")?).map_err(crate::matching::bad))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound {
            what: "project",
            id: id.to_string(),
        })
}

impl Work<'_> {
    /// Makes a draft project of `owner`'s with its draft tasks, in one transaction.
    pub fn create_project(
        &self,
        owner: AccountId,
        title: &ProjectTitle,
        problem: &ProblemStatement,
        drafts: &[DraftTask],
        unplaced: Vec<String>,
    ) -> Result<ProjectView, StoreError> {
        let (title, problem) = (title.as_str(), problem.as_str());
        check_task_count(drafts.len()).map_err(StoreError::ProjectRefused)?;
        for d in drafts {
            d.task
                .validate()
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
        }
        let mut view = self.store.write(|tx| {
            let now = tx.now().to_string();
            let id = tx.query(
                "INSERT INTO projects (owner_id, title, problem, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'draft', $4, $4) RETURNING id",
                &[owner.into(), title.into(), problem.into(), now.into()],
            )?
                .first()
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?
                .id("id")?;
            for d in drafts {
                insert_task(
                    tx,
                    Some(owner),
                    &d.task,
                    &TaskExtras {
                        status: TaskStatus::Draft,
                        project: Some(id),
                        ai_exposure: d.ai_exposure,
                        physical: d.physical,
                    },
                )?;
            }
            crate::audit::audit(
                tx,
                Some(owner),
                "project.created",
                &format!("project:{id}"),
                title,
            )?;
            load(tx, id)
        })?;
        view.unplaced = unplaced;
        Ok(view)
    }

    /// One project.
    pub fn project(&self, id: ProjectId) -> Result<ProjectView, StoreError> {
        self.store.read(|tx| load(tx, id))
    }

    /// `owner`'s projects, newest first.
    pub fn projects_of(&self, owner: AccountId) -> Result<Vec<ProjectView>, StoreError> {
        self.store.read(|tx| {
            let ids = tx.query(
                "SELECT id FROM projects WHERE owner_id = $1 ORDER BY id DESC LIMIT 200",
                &[owner.into()],
            )?;
            ids.iter().map(|r| load(tx, r.id("id")?)).collect()
        })
    }

    /// Changes the title and problem of `owner`'s project.
    pub fn update_project(
        &self,
        id: ProjectId,
        owner: AccountId,
        title: &ProjectTitle,
        problem: &ProblemStatement,
    ) -> Result<ProjectView, StoreError> {
        let (title, problem) = (title.as_str(), problem.as_str());
        self.store.write(|tx| {
            lock_own(tx, id, owner)?;
            tx.execute(
                "UPDATE projects SET title = $1, problem = $2 WHERE id = $3",
                &[title.into(), problem.into(), id.into()],
            )?;
            load(tx, id)
        })
    }

    /// Adds a task to `owner`'s project: a draft while the project is, else published with
    /// the audience of the project's other published tasks.
    pub fn add_project_task(
        &self,
        id: ProjectId,
        owner: AccountId,
        task: &Task,
    ) -> Result<TaskId, StoreError> {
        task.validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.store.write(|tx| {
            let status = lock_own(tx, id, owner)?;
            let count = tx.query(
                "SELECT COUNT(*) AS n FROM work_tasks WHERE project_id = $1",
                &[id.into()],
            )?;
            let count = usize::try_from(first(&count)?.int("n")?).unwrap_or(usize::MAX);
            // The project's audience is not kept apart: its invited tasks tell it.
            let invited = !tx
                .query(
                    "SELECT 1 FROM work_tasks WHERE project_id = $1 AND status = 'invited'",
                    &[id.into()],
                )?
                .is_empty();
            let audience = if invited {
                Audience::Invited
            } else {
                Audience::Open
            };
            let task_status = status
                .new_task(count, audience)
                .map_err(StoreError::ProjectRefused)?;
            insert_task(
                tx,
                Some(owner),
                task,
                &TaskExtras {
                    status: task_status,
                    project: Some(id),
                    ai_exposure: None,
                    physical: None,
                },
            )
        })
    }

    /// Publishes `owner`'s draft project: every draft task takes the state of the `audience`,
    /// `open` (everyone sees and is matched to it) or `invited` (only workers the client
    /// invites).
    pub fn publish_project(
        &self,
        id: ProjectId,
        owner: AccountId,
        audience: Audience,
    ) -> Result<ProjectView, StoreError> {
        self.store.write(|tx| {
            lock_own(tx, id, owner)?
                .may_publish()
                .map_err(StoreError::ProjectRefused)?;
            let n = tx.execute(
                "UPDATE work_tasks SET status = $1 WHERE project_id = $2 AND status = 'draft'",
                &[audience.task_status().as_str().into(), id.into()],
            )?;
            if n == 0 {
                return Err(StoreError::ProjectRefused(ProjectRefusal::NothingToPublish));
            }
            tx.execute(
                "UPDATE projects SET status = 'published' WHERE id = $1",
                &[id.into()],
            )?;
            project_tasks_changed(tx, id)?;
            crate::audit::audit(
                tx,
                Some(owner),
                "project.published",
                &format!("project:{id}"),
                audience.as_str(),
            )?;
            load(tx, id)
        })
    }

    /// Closes `owner`'s project: its tasks take no more proposals and leave matching.
    /// Contracts already made go on.
    pub fn close_project(
        &self,
        id: ProjectId,
        owner: AccountId,
    ) -> Result<ProjectView, StoreError> {
        self.store.write(|tx| {
            lock_own(tx, id, owner)?
                .may_close()
                .map_err(StoreError::ProjectRefused)?;
            tx.execute(
                "UPDATE work_tasks SET status = 'closed' WHERE project_id = $1",
                &[id.into()],
            )?;
            tx.execute(
                "UPDATE projects SET status = 'closed' WHERE id = $1",
                &[id.into()],
            )?;
            project_tasks_changed(tx, id)?;
            load(tx, id)
        })
    }

    /// Whether `account` has a worker profile invited to `task`.
    pub fn invited_to(&self, task: TaskId, account: AccountId) -> Result<bool, StoreError> {
        self.store.read(|tx| {
            Ok(!tx
                .query(
                    "SELECT 1 FROM invitations i JOIN workers w ON w.id = i.worker_id \
                     WHERE i.task_id = $1 AND w.owner_id = $2",
                    &[task.into(), account.into()],
                )?
                .is_empty())
        })
    }
}
