import { type IWorldOptions, setWorldConstructor } from '@cucumber/cucumber';
import { GridFleetWorld, type GridFleetWorldParameters } from 'gridfleet-cucumber';

/** This project's world parameters: its own key next to gridfleet's. */
export interface AppParameters extends GridFleetWorldParameters {
  appName: string;
}

/** The project's World: everything GridFleetWorld has, plus what its own steps record. */
export class AppWorld extends GridFleetWorld<AppParameters> {
  /** Screens visited in this scenario, in order. */
  readonly visitedScreens: string[] = [];

  constructor(options: IWorldOptions<AppParameters>) {
    super(options);
  }

  /** The app under test, from world parameters. */
  get appName(): string {
    return this.parameters.appName;
  }
}

setWorldConstructor(AppWorld);
