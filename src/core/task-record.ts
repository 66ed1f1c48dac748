/** A task as the core keeps it (times are epoch ms); the API view is `TaskView` (protocol/tasks.ts). */
export interface TaskRecord {
  id: string;
  workspaceId: string;
  title: string;
  prompt: string;
  status: 'backlog' | 'ready' | 'running' | 'review' | 'done' | 'failed' | 'cancelled';
  statusReason: string | null;
  priority: number;
  dependsOn: string[];
  profile: string | null;
  model: string | null;
  attempts: number;
  labels: string[];
  agents: string[];
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export function cloneTask(t: TaskRecord): TaskRecord {
  return { ...t, dependsOn: [...t.dependsOn], labels: [...t.labels], agents: [...t.agents] };
}
