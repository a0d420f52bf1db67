; Inno Setup script: a per-user Windows installer for the PyInstaller folder dist\dropin-desk\.
; Build (on Windows, after `pyinstaller installers\dropin-desk.spec`):
;   iscc /DAppVersion=0.1.0 installers\dropin-desk.iss
; -> dist\dropin-desk-<version>-windows-x64-setup.exe. .github/workflows/windows-installer.yml
; does both steps and passes the version from desktop.__version__.
;
; No admin rights: installs into %LOCALAPPDATA%\Programs\Drop-in Desk, Start-menu shortcut for
; this user only. The uninstaller removes the program and keeps the data folder
; (%LOCALAPPDATA%\DropInDesk, the encrypted store) unless the user answers Yes to
; "also remove my data".

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z installers\dropin-desk.iss
#endif

[Setup]
AppId={{5B0E7C1A-3D52-4E0B-9C64-D7A1F2B8E611}
AppName=Drop-in Desk
AppVersion={#AppVersion}
AppVerName=Drop-in Desk {#AppVersion}
AppPublisher=Drop-in Desk
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={localappdata}\Programs\Drop-in Desk
DisableDirPage=auto
DefaultGroupName=Drop-in Desk
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=dropin-desk-{#AppVersion}-windows-x64-setup
#ifexist "icon.ico"
SetupIconFile=icon.ico
#endif
UninstallDisplayIcon={app}\dropin-desk.exe
UninstallDisplayName=Drop-in Desk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "Put a shortcut on the desktop"; Flags: unchecked

[Files]
Source: "..\dist\dropin-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Drop-in Desk"; Filename: "{app}\dropin-desk.exe"
Name: "{autodesktop}\Drop-in Desk"; Filename: "{app}\dropin-desk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\dropin-desk.exe"; Description: "Open Drop-in Desk now"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program folder gains at run time (Python caches); never the data folder.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
// The data folder platformdirs gives desktop.store.paths.default_data_dir() on Windows.
const
  DataFolder = '{localappdata}\DropInDesk';

var
  RemoveData: Boolean;

function InitializeUninstall(): Boolean;
begin
  Result := True;
  RemoveData := False;
  // Silent uninstalls (/SILENT, /VERYSILENT) always keep the data.
  if (not UninstallSilent()) and DirExists(ExpandConstant(DataFolder)) then
    RemoveData := MsgBox(
      'Also remove my data?' + #13#10#13#10 +
      'Your clients'' records are in ' + ExpandConstant(DataFolder) + '.' + #13#10 +
      'No (the default) keeps them, so a new install opens them again.' + #13#10 +
      'Yes deletes them for good: this cannot be undone.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and RemoveData then
    DelTree(ExpandConstant(DataFolder), True, True, True);
end;
