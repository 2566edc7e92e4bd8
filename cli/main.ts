import { token, tokenUsage } from './token.js';
import { backupCommand, backupUsage, restoreCommand } from './backup/command.js';
import { rebuildOlap, rebuildOlapUsage } from './rebuild-olap.js';
import { importCommand, importUsage } from './import.js';
import { migrateCommand, migrateUsage } from './migrate.js';
import { Changed, installCommand, installUsage } from './install/cli.js';

const usage = `usage: erpbi <command>
${tokenUsage}
${migrateUsage}
${backupUsage}
${rebuildOlapUsage}
${importUsage}
${installUsage}`;

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (a: string[]) => Promise<void>> = {
  token,
  migrate: migrateCommand,
  backup: backupCommand,
  restore: restoreCommand,
  'rebuild-olap': rebuildOlap,
  import: importCommand,
  install: installCommand,
};
const run = command ? commands[command] : undefined;
if (!run) {
  console.error(usage);
  process.exit(2);
}
run(rest).catch((err: Error) => {
  // an install step that changed something (install.sh counts it): not a failure
  if (err instanceof Changed) process.exit(3);
  console.error(`erpbi ${command}: ${err.message}`);
  process.exit(1);
});
