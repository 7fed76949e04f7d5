// The settings the server reads: `initializationOptions` and the `shorewall` section of
// `workspace/configuration`. Only values the user set are sent, so that the server's own
// defaults and a `.shorewall-ls.toml` beside the configuration are not overridden by the
// defaults VS Code shows in its settings UI.
// Kept free of the `vscode` module so that it can be unit-tested with plain Node.

/** What `WorkspaceConfiguration.inspect` reports for one key (the parts we read). */
export interface InspectedValue<T> {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  globalLanguageValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

export interface FormatSettings {
  align?: boolean;
  useTabs?: boolean;
  tabWidth?: number;
  maxColumnWidth?: number;
}

export interface ServerSettings {
  format: FormatSettings;
}

/** The most specific value the user set, or undefined when only the default applies. */
export function explicitValue<T>(inspected: InspectedValue<T> | undefined): T | undefined {
  if (inspected === undefined) {
    return undefined;
  }
  const candidates = [
    inspected.workspaceFolderLanguageValue,
    inspected.workspaceFolderValue,
    inspected.workspaceLanguageValue,
    inspected.workspaceValue,
    inspected.globalLanguageValue,
    inspected.globalValue,
  ];
  return candidates.find((value) => value !== undefined && value !== null);
}

/** A number of columns: a finite number of at least 1, rounded down; else undefined. */
function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}

/** Builds the settings object from an `inspect` function over the `shorewall` section. */
export function serverSettings(
  inspect: <T>(key: string) => InspectedValue<T> | undefined,
): ServerSettings {
  const format: FormatSettings = {};
  const align = explicitValue(inspect<boolean>('format.align'));
  if (typeof align === 'boolean') {
    format.align = align;
  }
  const useTabs = explicitValue(inspect<boolean>('format.useTabs'));
  if (typeof useTabs === 'boolean') {
    format.useTabs = useTabs;
  }
  const tabWidth = positiveInteger(explicitValue(inspect<number>('format.tabWidth')));
  if (tabWidth !== undefined) {
    format.tabWidth = tabWidth;
  }
  const width = positiveInteger(explicitValue(inspect<number>('format.maxColumnWidth')));
  if (width !== undefined) {
    format.maxColumnWidth = width;
  }
  return { format };
}
